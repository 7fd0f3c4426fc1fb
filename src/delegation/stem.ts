// A light Porter-style suffix stripper. It only has to be consistent (lexicon terms and task words go through
// the same function), so it favours merging inflections of one word over linguistic accuracy, and stays away
// from suffixes whose removal merges distinct technical words ("generator" must not become "generate").

const IRREGULAR: Record<string, string> = {
  indices: "index",
  aliases: "alias",
  schemata: "schema",
  statuses: "status",
  analyses: "analysis",
  queries: "queri",
};

const VOWEL = /[aeiouy]/;

/** Reduces a lowercase word to a stem shared by its plural and inflected forms ("partitioned" -> "partition"). */
export function stem(word: string): string {
  let w = word.toLowerCase();
  const irregular = IRREGULAR[w];
  if (irregular !== undefined) return irregular;
  if (w.length <= 3 || /[^a-z]/.test(w)) return w;

  // British spelling first, so "normalisation" and "normalization" meet below.
  if (w.length > 5) w = w.replace(/is(e|ed|es|ing|ation|ations|er|ers)$/, "iz$1");

  w = stripPlural(w);
  w = stripInflection(w);
  w = w.replace(/ization$/, "ize").replace(/ational$/, "ate").replace(/ation$/, "ate");
  if (w.length > 4 && w.endsWith("e")) w = w.slice(0, -1);
  if (w.length > 2 && /[^aeiou]y$/.test(w)) w = `${w.slice(0, -1)}i`;
  return w;
}

function stripPlural(w: string): string {
  if (w.endsWith("sses")) return w.slice(0, -2);
  if (w.endsWith("ies") && w.length > 4) return `${w.slice(0, -3)}i`;
  if (/(x|ch|sh|z)es$/.test(w)) return w.slice(0, -2);
  if (w.endsWith("s") && !/(ss|us|is)$/.test(w)) return w.slice(0, -1);
  return w;
}

function stripInflection(w: string): string {
  let base: string | null = null;
  if (w.endsWith("ing")) base = w.slice(0, -3);
  else if (w.endsWith("ed") && !w.endsWith("eed")) base = w.slice(0, -2);
  if (base === null || base.length < 2 || !VOWEL.test(base)) return w;
  if (base.endsWith("i") && w.endsWith("ied")) return base; // "queried" meets "queries" -> "queri"
  // "logging" -> "log", but "installed" keeps its double l, "passed" its double s.
  if (/([^aeiouylsz])\1$/.test(base)) return base.slice(0, -1);
  return base;
}
