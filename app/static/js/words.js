// The page's run-time words in its language, rendered by the server into data-words
// (app/i18n/page_words.py): the script holds no catalog of its own.
const holder = document.querySelector("[data-words]");
const catalog = holder ? JSON.parse(holder.dataset.words)
  : { words: {}, plurals: {}, places: {} };
export const LANG = document.documentElement.lang || "en";
// English pages keep en-GB's 24-hour clock and day-month order; others their own locale's.
export const LOCALE = LANG === "en" ? "en-GB" : LANG;
const rules = new Intl.PluralRules(LOCALE);

function fill(text, vars) {
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
}

export function t(key, vars = {}) {
  return fill(catalog.words[key] || key, vars);
}

export function plural(key, n, vars = {}) {
  const forms = catalog.plurals[key] || {};
  return fill(forms[rules.select(n)] || forms.other || key, { ...vars, n });
}

// A safe place's name in the page's language ("front door": "etuovelle"); others as given.
export function placeName(place) {
  return (catalog.places || {})[place] || place;
}

// Whether the page has this word (pages without data-words, like the dashboard, stay English).
export function has(key) {
  return key in catalog.words;
}
