// The language core every page shares: Chinese by default, English on request. Each page keeps
// its own dictionary and makes its translator with createI18n(); the result words come from
// words.js (served by the server from ballots/words.py), not from here.

/**
 * A translator over `dictionaries` ({zh: {...}, en: {...}}), the language stored under
 * `storageKey`; `fromQuery` lets ?lang=en|zh in the address choose it. `strict`: an unknown key
 * throws instead of showing the key itself.
 */
export function createI18n(dictionaries, { storageKey, fromQuery = false, strict = false }) {
  const words = { zh: { ...dictionaries.zh }, en: { ...dictionaries.en } };
  const listeners = [];
  let current = initial();

  function initial() {
    if (fromQuery) {
      const asked = new URLSearchParams(location.search).get("lang");
      if (asked === "en" || asked === "zh") return asked;
    }
    try {
      return localStorage.getItem(storageKey) === "en" ? "en" : "zh";
    } catch {
      return "zh"; // storage may be unavailable; Chinese is the default
    }
  }

  function t(key, params = {}) {
    const text = words[current][key] ?? words.zh[key];
    if (text === undefined) {
      if (strict) throw new Error(`no text for ${key}`);
      return key;
    }
    return format(text, params);
  }

  function setLang(code) {
    current = code === "en" ? "en" : "zh";
    try {
      localStorage.setItem(storageKey, current);
    } catch {
      // private mode: the choice lasts for this page only
    }
    for (const listener of listeners) listener(current);
  }

  return {
    lang: () => current,
    setLang,
    t,
    has: (key) => key in words[current],
    /** Add a page's own words: {zh: {...}, en: {...}}. */
    register(more) {
      for (const code of ["zh", "en"]) Object.assign(words[code], more[code]);
    },
    onLang: (listener) => listeners.push(listener),
  };
}

/** `text` with its {name} placeholders filled from `params`; unknown ones are kept. */
export function format(text, params = {}) {
  return text.replace(/\{(\w+)\}/g, (whole, name) =>
    name in params ? String(params[name]) : whole,
  );
}
