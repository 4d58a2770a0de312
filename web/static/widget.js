/*
 * offres — the portal's search box and assistant, as a web component.
 *
 *   <script src="https://offres.example.nc/widget.js" defer></script>
 *   <offres-search></offres-search>
 *
 * Attributes (all optional):
 *   api        base URL of the offres API (default: where widget.js was loaded from)
 *   lang       "fr" (default) or "en"
 *   page-size  results per page, 1 to 50 (default 10)
 *   assistant  "off" hides the assistant
 *   analytics  "off" reports no search and no click
 *   routing    "off" leaves the page's URL alone; otherwise the search, its
 *              filters, sort and page and the open offer are kept in the URL
 *              (q, the facets, sort, page, offre), so that back and forward,
 *              a reload and a shared link show the same view
 *
 * Events, dispatched on the element: "offres-results" (detail: query, total,
 * exact — the offers that match, the others being related —, page) after
 * each rendered search, "offres-answer" (detail: the answer) after
 * each answer. Styles can be tuned with --offres-accent, --offres-font and
 * --offres-radius on the element.
 *
 * Everything the API returns is rendered as text (textContent), except the
 * <mark> tags of highlights, which are rebuilt as elements; no HTML from the
 * network ever reaches the page.
 */
(() => {
  'use strict';
  if (typeof customElements === 'undefined' || customElements.get('offres-search')) return;

  // The API is, by default, where this script comes from.
  const scriptBase = (() => {
    try {
      const src = document.currentScript && document.currentScript.src;
      return src ? new URL('.', src).href.replace(/\/$/, '') : '';
    } catch (_) {
      return '';
    }
  })();

  const DEBOUNCE_MS = 60; // search-as-you-type: waits for a pause this long
  const SETTLE_MS = 1200; // a search is reported once the query rests this long
  const FLUSH_MS = 1000; // events are sent in batches
  const FACETS = ['deadline_status', 'rome', 'commune', 'category', 'contract_type', 'employer', 'direction'];
  const FACET_VALUES_SHOWN = 8;
  // The parameters of the page's URL the widget owns when it routes; the
  // page's others (« ?utm_source=… ») are left as they are.
  const ROUTE_KEYS = ['q', 'sort', 'page', 'offre', ...FACETS];

  const plural = (n, one, many) => (n === 1 ? one : many);

  const STRINGS = {
    fr: {
      locale: 'fr-FR',
      label: "Rechercher une offre d'emploi",
      landmark: "Recherche d'offres d'emploi",
      placeholder: 'Métier, lieu, référence…',
      hint: 'Des suggestions s’affichent pendant la saisie : flèches haut et bas pour les parcourir, Entrée pour choisir, Échap pour fermer.',
      submit: 'Rechercher',
      suggestions: 'Suggestions',
      kinds: { title: 'intitulé', metier: 'métier', term: 'mot-clé' },
      results: 'Résultats',
      count: (n, q, fmt) => q
        ? `${fmt(n)} ${plural(n, 'offre trouvée', 'offres trouvées')} pour « ${q} »`
        : `${fmt(n)} ${plural(n, 'offre', 'offres')}`,
      related: (n, q, fmt) => `Aucune offre ne correspond exactement à « ${q} ». ${fmt(n)} ${plural(n, 'offre proche', 'offres proches')} de votre recherche :`,
      // Not counted: they are every offer with some of the words or a
      // meaning near enough, hundreds for a common word.
      andRelated: () => ', puis des offres proches',
      relatedTag: 'proche par le sens',
      partialTag: 'quelques mots de la recherche seulement',
      noResult: (q) => q
        ? `Aucune offre ne correspond à « ${q} ». Vérifiez l'orthographe, essayez d'autres mots ou retirez des filtres.`
        : 'Aucune offre ne correspond à ces filtres.',
      error: "La recherche n'a pas abouti. Réessayez dans un instant.",
      filters: 'Filtres',
      activeFilters: (n) => `${n} ${plural(n, 'actif', 'actifs')}`,
      clearFilters: 'Effacer les filtres',
      more: (n) => `Voir ${n} de plus`,
      facetNames: {
        deadline_status: 'Date limite', rome: 'Métier', commune: 'Commune', category: 'Catégorie',
        contract_type: 'Type de contrat', employer: 'Employeur', direction: 'Direction',
      },
      statuses: {
        open: 'Ouvertes', closing_soon: 'Clôture sous 7 jours', closed: 'Clôturées',
        expired: 'Expirées (sans date limite, anciennes)', unknown: 'Sans date limite',
      },
      contracts: {
        titulaire: 'Titulaire', contractuel: 'Contractuel', cdi: 'CDI', cdd: 'CDD', interim: 'Intérim',
        stage: 'Stage', alternance: 'Alternance', autre: 'Autre',
      },
      category: (v) => `Catégorie ${v}`,
      offersCount: (n) => `${n} ${plural(n, 'offre', 'offres')}`,
      sort: 'Trier par',
      sorts: { relevance: 'pertinence', deadline: 'date limite la plus proche', published: 'publication la plus récente' },
      pagination: 'Pagination',
      prev: 'Page précédente',
      next: 'Page suivante',
      pageOf: (p, n) => `Page ${p} sur ${n}`,
      follow: 'Suivre cette recherche',
      followHint: "Flux Atom des offres de cette recherche, les plus récentes d'abord : ajoutez son adresse à un lecteur de flux pour être averti des nouvelles offres, sans compte.",
      badge: {
        closed: 'clôturée',
        today: "clôture aujourd'hui",
        tomorrow: 'clôture demain',
        soon: (n) => `clôture dans ${n} jours`,
        open: (d) => `ouverte jusqu'au ${d}`,
        undated: (d) => `publiée le ${d}, sans date limite`,
        expired: (d) => `expirée : publiée le ${d}, sans date limite`,
        unknown: 'date limite non précisée',
      },
      back: 'Retour aux résultats',
      loadingOffer: "Chargement de l'offre…",
      offerError: "Cette offre n'a pas pu être affichée.",
      fields: {
        reference: 'Référence', employer: 'Employeur', direction: 'Direction', commune: 'Lieu',
        category: 'Catégorie', cadre: "Cadre d'emploi", contract: 'Contrat', published: 'Publiée le',
        deadline: 'Date limite', start: 'Prise de poste', residence: 'Durée de résidence exigée',
      },
      years: (n) => `${n} ${plural(n, 'an', 'ans')}`,
      summary: 'Présentation',
      skills: 'Compétences',
      required: 'requise',
      source: "Voir l'offre sur le site d'origine",
      similar: 'Offres similaires',
      noSimilar: 'Aucune offre similaire ouverte.',
      assistantToggle: "Poser une question à l'assistant",
      assistant: 'Assistant',
      assistantIntro: 'Posez une question sur les offres : date limite, lieu, conditions… Les réponses citent les offres.',
      askLabel: 'Votre question',
      askPlaceholder: 'Ex. : quelle est la date limite pour le poste de chef de projet digital ?',
      askSubmit: 'Envoyer',
      asking: 'Réponse en cours…',
      askError: "L'assistant n'a pas pu répondre. Réessayez dans un instant.",
      answer: "Réponse de l'assistant",
      sources: 'Sources',
      citation: (n, title) => `Source ${n} : ${title} (ouvrir l'offre)`,
      newConversation: 'Nouvelle conversation',
      close: 'Fermer',
    },
    en: {
      locale: 'en-GB',
      label: 'Search job offers',
      landmark: 'Job offer search',
      placeholder: 'Job, place, reference…',
      hint: 'Suggestions appear as you type: up and down arrows to browse them, Enter to choose, Escape to close.',
      submit: 'Search',
      suggestions: 'Suggestions',
      kinds: { title: 'title', metier: 'occupation', term: 'keyword' },
      results: 'Results',
      count: (n, q, fmt) => q ? `${fmt(n)} ${plural(n, 'offer', 'offers')} found for “${q}”` : `${fmt(n)} ${plural(n, 'offer', 'offers')}`,
      noResult: (q) => q ? `No offer matches “${q}”. Check the spelling, try other words or remove filters.` : 'No offer matches these filters.',
      related: (n, q, fmt) => `No offer matches “${q}” exactly. ${fmt(n)} related ${plural(n, 'offer', 'offers')}:`,
      andRelated: () => ', then related offers',
      relatedTag: 'related by meaning',
      partialTag: 'some of the words only',
      error: 'The search failed. Please try again in a moment.',
      filters: 'Filters',
      activeFilters: (n) => `${n} active`,
      clearFilters: 'Clear filters',
      more: (n) => `Show ${n} more`,
      facetNames: {
        deadline_status: 'Deadline', rome: 'Occupation', commune: 'Town', category: 'Category',
        contract_type: 'Contract', employer: 'Employer', direction: 'Department',
      },
      statuses: {
        open: 'Open', closing_soon: 'Closing within 7 days', closed: 'Closed', expired: 'Expired (old, no deadline)',
        unknown: 'No deadline',
      },
      contracts: {
        titulaire: 'Civil servant', contractuel: 'Contract staff', cdi: 'Permanent', cdd: 'Fixed-term',
        interim: 'Temporary', stage: 'Internship', alternance: 'Work-study', autre: 'Other',
      },
      category: (v) => `Category ${v}`,
      offersCount: (n) => `${n} ${plural(n, 'offer', 'offers')}`,
      sort: 'Sort by',
      sorts: { relevance: 'relevance', deadline: 'closest deadline', published: 'most recent' },
      pagination: 'Pagination',
      prev: 'Previous page',
      next: 'Next page',
      pageOf: (p, n) => `Page ${p} of ${n}`,
      follow: 'Follow this search',
      followHint: 'Atom feed of the offers of this search, newest first: add its address to a feed reader to hear of new offers, without an account.',
      badge: {
        closed: 'closed', today: 'closes today', tomorrow: 'closes tomorrow',
        soon: (n) => `closes in ${n} days`, open: (d) => `open until ${d}`, unknown: 'no deadline given',
        undated: (d) => `published ${d}, no deadline`, expired: (d) => `expired: published ${d}, no deadline`,
      },
      back: 'Back to results',
      loadingOffer: 'Loading the offer…',
      offerError: 'This offer could not be shown.',
      fields: {
        reference: 'Reference', employer: 'Employer', direction: 'Department', commune: 'Place',
        category: 'Category', cadre: 'Grade', contract: 'Contract', published: 'Published',
        deadline: 'Deadline', start: 'Starts', residence: 'Residence required',
      },
      years: (n) => `${n} ${plural(n, 'year', 'years')}`,
      summary: 'Overview',
      skills: 'Skills',
      required: 'required',
      source: 'See the offer on its original site',
      similar: 'Similar offers',
      noSimilar: 'No similar open offer.',
      assistantToggle: 'Ask the assistant',
      assistant: 'Assistant',
      assistantIntro: 'Ask about the offers: deadline, place, conditions… Answers cite the offers (in French).',
      askLabel: 'Your question',
      askPlaceholder: 'E.g. what is the deadline for the digital project manager post?',
      askSubmit: 'Send',
      asking: 'Answering…',
      askError: 'The assistant could not answer. Please try again in a moment.',
      answer: "Assistant's answer",
      sources: 'Sources',
      citation: (n, title) => `Source ${n}: ${title} (open the offer)`,
      newConversation: 'New conversation',
      close: 'Close',
    },
  };

  const CSS = `
:host { display: block; container-type: inline-size; color: #1b1b1b; background: #fff;
  font-family: var(--offres-font, system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif);
  font-size: 1rem; line-height: 1.5; --accent: var(--offres-accent, #00529c); --radius: var(--offres-radius, 6px); }
:host([hidden]) { display: none; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
.vh { position: absolute !important; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
h2, h3, h4 { line-height: 1.25; margin: 0; }
button, input, select, textarea { font: inherit; color: inherit; }
:focus-visible { outline: 3px solid #0b3d91; outline-offset: 2px; }
.btn { min-height: 44px; padding: 0.5rem 1rem; border: 2px solid var(--accent); border-radius: var(--radius);
  background: var(--accent); color: #fff; font-weight: 600; cursor: pointer; }
.btn.secondary { background: #fff; color: var(--accent); }
.btn:hover { filter: brightness(1.1); }
.btn[disabled] { opacity: 0.6; cursor: not-allowed; }
.link { background: none; border: none; padding: 0; color: var(--accent); text-decoration: underline; cursor: pointer;
  text-align: left; font: inherit; }
.link:hover { text-decoration-thickness: 2px; }
.bar { display: flex; flex-wrap: wrap; gap: 0.75rem; align-items: flex-end; }
form.search { flex: 1 1 20rem; min-width: 0; }
.label { display: block; font-weight: 600; margin-bottom: 0.25rem; }
.hint { font-size: 0.875rem; color: #4a4a4a; margin: 0.25rem 0 0; }
.row { display: flex; gap: 0.5rem; }
.combo { position: relative; flex: 1 1 auto; min-width: 0; }
.combo input { width: 100%; min-height: 44px; padding: 0.5rem 0.75rem; border: 2px solid #595959;
  border-radius: var(--radius); background: #fff; }
.combo input:focus-visible { border-color: #0b3d91; }
[role="listbox"] { position: absolute; z-index: 10; left: 0; right: 0; top: calc(100% + 2px); margin: 0; padding: 0.25rem 0;
  list-style: none; background: #fff; border: 2px solid #595959; border-radius: var(--radius);
  box-shadow: 0 4px 12px rgba(0, 0, 0, 0.15); max-height: 20rem; overflow-y: auto; }
[role="option"] { display: flex; justify-content: space-between; gap: 0.5rem; padding: 0.5rem 0.75rem; cursor: pointer; }
[role="option"] .kind { font-size: 0.8125rem; color: #4a4a4a; white-space: nowrap; }
[role="option"][aria-selected="true"], [role="option"]:hover { background: #e8f0fb; outline: 2px solid #0b3d91; outline-offset: -2px; }
.status { margin: 1rem 0 0.5rem; font-weight: 600; min-height: 1.5em; }
.status.empty { font-weight: 400; padding: 0.75rem 1rem; background: #f3f4f6; border-left: 4px solid #595959; }
.status.error { color: #8b0000; }
.main { display: flex; flex-direction: column; gap: 1rem; }
@container (min-width: 720px) {
  .main { flex-direction: row; align-items: flex-start; }
  .filters { flex: 0 0 15rem; }
  .results, .detail { flex: 1 1 auto; min-width: 0; }
}
.filters > summary, .facet > summary { cursor: pointer; font-weight: 600; padding: 0.5rem 0; min-height: 44px;
  display: list-item; }
.filters > summary { font-size: 1.0625rem; }
.facet { border-top: 1px solid #d0d0d0; }
.facet fieldset { border: none; margin: 0; padding: 0 0 0.5rem; }
.facet label { display: flex; gap: 0.5rem; align-items: flex-start; padding: 0.25rem 0; cursor: pointer; }
.facet input { width: 1.25rem; height: 1.25rem; margin: 0.125rem 0 0; flex: none; accent-color: var(--accent); }
.facet .count { color: #4a4a4a; margin-left: auto; padding-left: 0.5rem; }
.results-head { display: flex; flex-wrap: wrap; justify-content: space-between; align-items: center; gap: 0.5rem; }
.results-head .follow { font-weight: 600; display: inline-block; padding: 0.5rem 0; }
.results-head select { min-height: 44px; padding: 0.25rem 0.5rem; border: 2px solid #595959; border-radius: var(--radius); background: #fff; max-width: 100%; }
.hits { list-style: none; margin: 0; padding: 0; }
.hits[aria-busy="true"] { opacity: 0.6; }
.hit { border: 1px solid #d0d0d0; border-radius: var(--radius); padding: 0.75rem 1rem; margin: 0.75rem 0; }
.hit h3 { font-size: 1.125rem; }
.hit .link { font-weight: 600; font-size: inherit; }
.meta { margin: 0.25rem 0; color: #3d3d3d; font-size: 0.9375rem; overflow-wrap: anywhere; }
.snippet { margin: 0.25rem 0 0; font-size: 0.9375rem; overflow-wrap: anywhere; }
mark { background: #fff0a8; color: inherit; font-weight: 600; padding: 0 1px; }
.badge { display: inline-block; font-size: 0.875rem; font-weight: 600; padding: 0.125rem 0.5rem; border-radius: 999px;
  border: 1px solid currentColor; margin: 0.25rem 0; }
.badge.open { color: #14532d; background: #e7f6ec; }
.badge.closing_soon { color: #7a2e0b; background: #fff1e0; }
.badge.closed { color: #8b0000; background: #fde8e8; }
.badge.unknown { color: #3d3d3d; background: #f3f4f6; }
.badge.expired { color: #3d3d3d; background: #f3f4f6; }
.status.related { color: #3d3d3d; }
.related-tag { margin: 0.25rem 0 0; font-size: 0.85em; font-style: italic; color: #4b5563; }
.pager { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 0.5rem; margin: 1rem 0; }
.detail h2 { font-size: 1.375rem; margin: 0.75rem 0 0.5rem; }
.detail h3 { font-size: 1.125rem; margin: 1.25rem 0 0.25rem; }
.detail dl { display: grid; grid-template-columns: minmax(8rem, max-content) 1fr; gap: 0.25rem 1rem; margin: 0.75rem 0; }
.detail dt { font-weight: 600; }
.detail dd { margin: 0; overflow-wrap: anywhere; }
.detail .text { white-space: pre-line; overflow-wrap: anywhere; margin: 0.25rem 0; }
.detail ul { margin: 0.25rem 0; padding-left: 1.25rem; }
.similar { list-style: none; padding: 0; }
.similar li { margin: 0.5rem 0; }
.assistant { margin: 1rem 0; padding: 1rem; border: 2px solid var(--accent); border-radius: var(--radius); background: #f7fafd; }
.assistant-head { display: flex; justify-content: space-between; align-items: center; gap: 0.5rem; }
.assistant h2 { font-size: 1.25rem; }
.assistant p.intro { margin: 0.25rem 0 0.75rem; }
.assistant textarea { width: 100%; min-height: 4.5rem; padding: 0.5rem 0.75rem; border: 2px solid #595959;
  border-radius: var(--radius); background: #fff; resize: vertical; }
.assistant .actions { display: flex; flex-wrap: wrap; gap: 0.5rem; margin-top: 0.5rem; }
.answer { margin-top: 1rem; }
.answer-text { white-space: pre-line; margin: 0.25rem 0; overflow-wrap: anywhere; }
.answer-text .cite { font-weight: 700; padding: 0 0.125rem; text-decoration: none; border-bottom: 2px solid currentColor; }
.sources { padding-left: 1.5rem; }
.sources li { margin: 0.25rem 0; overflow-wrap: anywhere; }
.sources .quote { color: #3d3d3d; }
@container (max-width: 420px) {
  .detail dl { grid-template-columns: 1fr; }
  .detail dd { margin-bottom: 0.5rem; }
  .row { flex-wrap: wrap; }
  .row .btn { flex: 1 1 auto; }
}
@media (forced-colors: active) {
  mark { background: Mark; color: MarkText; }
  [role="option"][aria-selected="true"] { outline: 2px solid Highlight; }
}
`;

  let sheet = null; // one constructed stylesheet for every instance (no inline style: strict CSPs allow it)
  function adoptStyles(root) {
    if ('adoptedStyleSheets' in root && typeof CSSStyleSheet === 'function') {
      try {
        if (!sheet) {
          sheet = new CSSStyleSheet();
          sheet.replaceSync(CSS);
        }
        root.adoptedStyleSheets = [sheet];
        return;
      } catch (_) { /* fall back to a <style> element */ }
    }
    const style = document.createElement('style');
    style.textContent = CSS;
    root.appendChild(style);
  }

  // h builds an element: attributes, then children (strings become text nodes).
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === false || v === null || v === undefined) continue;
      if (k === 'class') el.className = v;
      else if (k === 'text') el.textContent = v;
      else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else if (v === true) el.setAttribute(k, '');
      else el.setAttribute(k, String(v));
    }
    for (const c of children.flat(Infinity)) {
      if (c === null || c === undefined || c === false) continue;
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
  }

  const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  function decodeEntities(s) {
    return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (m, e) => {
      if (e[0] === '#') {
        const n = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
        return n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : m;
      }
      return ENTITIES[e.toLowerCase()] ?? m;
    });
  }

  // highlight renders a highlight fragment of the API: its <mark> tags become
  // <mark> elements, everything else is text (other tags stay visible as text).
  function highlight(fragment) {
    const out = document.createDocumentFragment();
    let target = out;
    for (const part of String(fragment).split(/(<\/?mark>)/i)) {
      if (/^<mark>$/i.test(part)) {
        if (target === out) {
          target = document.createElement('mark');
          out.append(target);
        }
      } else if (/^<\/mark>$/i.test(part)) {
        target = out;
      } else if (part) {
        target.append(document.createTextNode(decodeEntities(part)));
      }
    }
    return out;
  }

  // sse reads a text/event-stream response: yields {event, data}.
  async function* sse(response, signal) {
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buf = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          let event = 'message';
          const data = [];
          for (const line of block.split('\n')) {
            if (!line || line[0] === ':') continue;
            const c = line.indexOf(':');
            const field = c < 0 ? line : line.slice(0, c);
            let v = c < 0 ? '' : line.slice(c + 1);
            if (v[0] === ' ') v = v.slice(1);
            if (field === 'event') event = v;
            else if (field === 'data') data.push(v);
          }
          if (data.length) yield { event, data: data.join('\n') };
        }
        if (signal && signal.aborted) return;
      }
    } finally {
      reader.releaseLock();
    }
  }

  // looksPersonal: a query that is not even sent (an e-mail address, a phone
  // number); the service applies the complete filter (analytics.LooksPersonal).
  const looksPersonal = (q) => /@/.test(q) || /\d{6,}/.test(q) || /(?<!\d)\d{2}(?:[ .-]\d{2}){2,}(?!\d)/.test(q);

  // Reporter sends the searches and clicks to /api/v1/events, in batches.
  // A search is reported once its query has rested (not every keystroke);
  // nothing identifies the visitor.
  class Reporter {
    constructor(base, enabled) {
      this.url = base + '/api/v1/events';
      this.enabled = enabled;
      this.queue = [];
      this.pending = null; // the search waiting to rest
      this.settleTimer = 0;
      this.flushTimer = 0;
      this.lastQuery = null;
      this.clicked = new Set();
      this.onHide = () => { if (document.visibilityState === 'hidden') { this.settle(); this.flush(); } };
      document.addEventListener('visibilitychange', this.onHide);
    }
    dispose() {
      document.removeEventListener('visibilitychange', this.onHide);
      this.settle();
      this.flush();
    }
    searched(query, results) {
      if (!this.enabled) return;
      clearTimeout(this.settleTimer);
      this.pending = query && !looksPersonal(query) ? { query, results } : null;
      if (this.pending) this.settleTimer = setTimeout(() => this.settle(), SETTLE_MS);
    }
    settle() {
      clearTimeout(this.settleTimer);
      const p = this.pending;
      this.pending = null;
      if (!p || p.query === this.lastQuery) return;
      this.lastQuery = p.query;
      this.clicked.clear();
      this.push({ type: 'search', query: p.query, results: p.results });
    }
    click(query, offerId, position) {
      if (!this.enabled) return;
      this.settle();
      if (looksPersonal(query)) query = '';
      const key = query + '\u0000' + offerId;
      if (this.clicked.has(key)) return;
      this.clicked.add(key);
      this.push({ type: 'click', query: query || '', offer_id: offerId, position });
    }
    push(e) {
      this.queue.push(e);
      if (this.queue.length >= 20) this.flush();
      else if (!this.flushTimer) this.flushTimer = setTimeout(() => this.flush(), FLUSH_MS);
    }
    flush() {
      clearTimeout(this.flushTimer);
      this.flushTimer = 0;
      if (!this.queue.length) return;
      const events = this.queue.splice(0, 50);
      fetch(this.url, {
        method: 'POST', keepalive: true, credentials: 'omit',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ events }),
      }).catch(() => { /* analytics never get in the visitor's way */ });
    }
  }

  let instances = 0;

  class OffresSearch extends HTMLElement {
    static get observedAttributes() { return ['api', 'lang', 'page-size', 'assistant', 'analytics', 'routing']; }

    constructor() {
      super();
      this.attachShadow({ mode: 'open' });
      this.uid = 'offres-' + (++instances);
      this.controllers = {};
      this.timer = 0;
      this.onPopState = () => this.popState();
    }

    connectedCallback() {
      window.addEventListener('popstate', this.onPopState);
      this.build();
    }

    disconnectedCallback() {
      window.removeEventListener('popstate', this.onPopState);
      for (const c of Object.values(this.controllers)) c.abort();
      clearTimeout(this.timer);
      if (this.reporter) this.reporter.dispose();
      this.built = false;
    }

    attributeChangedCallback(_name, oldValue, newValue) {
      if (this.built && oldValue !== newValue) this.build();
    }

    get base() {
      const a = (this.getAttribute('api') || '').trim();
      if (a) {
        try {
          const u = new URL(a, document.baseURI);
          if (u.protocol === 'http:' || u.protocol === 'https:') return u.href.replace(/\/$/, '');
        } catch (_) { /* fall through */ }
      }
      return scriptBase || location.origin;
    }

    // build (re)creates the component's DOM and state.
    build() {
      for (const c of Object.values(this.controllers)) c.abort();
      if (this.reporter) this.reporter.dispose();
      const lang = (this.getAttribute('lang') || 'fr').toLowerCase().slice(0, 2);
      this.t = STRINGS[lang] || STRINGS.fr;
      this.lang = STRINGS[lang] ? lang : 'fr';
      const size = parseInt(this.getAttribute('page-size') || '', 10);
      this.pageSize = size >= 1 && size <= 50 ? size : 10;
      this.reporter = new Reporter(this.base, this.getAttribute('analytics') !== 'off');
      this.numberFormat = new Intl.NumberFormat(this.t.locale);
      this.routing = this.getAttribute('routing') !== 'off';
      this.lastNav = null;
      this.state = { q: '', filters: {}, page: 1, sort: '', offer: '', total: 0, hits: [], openFacets: new Set(), expanded: new Set() };
      this.suggestions = [];
      this.active = -1;
      this.conversation = '';

      const root = this.shadowRoot;
      root.replaceChildren();
      adoptStyles(root);
      root.append(this.render());
      this.built = true;
      this.filtersEl.open = this.getBoundingClientRect().width >= 720;
      const offer = this.routing ? this.readURL() : '';
      this.search();
      if (offer) this.openOffer(offer, null, { nav: false });
    }

    // ——— The state in the page's URL (routing) ———

    // readURL sets the query, filters, sort and page from the page's URL;
    // returns the offer it opens, if any.
    readURL() {
      const p = new URLSearchParams(location.search);
      this.input.value = (p.get('q') || '').slice(0, 300);
      const filters = {};
      for (const f of FACETS) {
        const values = p.getAll(f).filter(Boolean);
        if (values.length) filters[f] = new Set(values);
      }
      this.state.filters = filters;
      const sort = p.get('sort') || '';
      this.state.sort = Object.prototype.hasOwnProperty.call(this.t.sorts, sort) ? sort : '';
      const page = parseInt(p.get('page') || '1', 10);
      this.state.page = page >= 1 && page <= 100 ? page : 1;
      return p.get('offre') || '';
    }

    // syncURL writes the state to the page's URL: a new history entry
    // (push), except while typing, where the entry of the query being typed
    // is updated (one entry per search, not per keystroke).
    syncURL(kind) {
      if (!this.routing) return;
      const u = new URL(location.href);
      for (const k of ROUTE_KEYS) u.searchParams.delete(k);
      const q = this.query();
      if (q) u.searchParams.set('q', q);
      for (const f of FACETS) for (const v of this.state.filters[f] || []) u.searchParams.append(f, v);
      if (this.state.sort) u.searchParams.set('sort', this.state.sort);
      if (this.state.page > 1) u.searchParams.set('page', String(this.state.page));
      if (this.state.offer) u.searchParams.set('offre', this.state.offer);
      if (u.href === location.href) return;
      const replace = kind === 'typing' && this.lastNav === 'typing';
      this.lastNav = kind;
      history[replace ? 'replaceState' : 'pushState']({ offres: this.uid }, '', u.href);
    }

    // popState shows the view of the URL the browser went back or forward to.
    popState() {
      if (!this.routing || !this.built) return;
      this.lastNav = null;
      clearTimeout(this.timer);
      this.closeList();
      const offer = this.readURL();
      this.search();
      if (offer) {
        if (offer !== this.state.offer || this.detail.hidden) this.openOffer(offer, null, { nav: false });
      } else if (!this.detail.hidden) {
        this.showResults(true, { nav: false });
      }
    }

    id(s) { return `${this.uid}-${s}`; }

    render() {
      const t = this.t;
      this.input = h('input', {
        id: this.id('q'), type: 'text', role: 'combobox', 'aria-autocomplete': 'list', 'aria-expanded': 'false',
        'aria-controls': this.id('listbox'), 'aria-describedby': this.id('hint'), autocomplete: 'off',
        spellcheck: 'false', enterkeyhint: 'search', placeholder: t.placeholder, maxlength: 300,
        oninput: () => this.onInput(), onkeydown: (e) => this.onKey(e),
        onblur: () => setTimeout(() => { if (this.shadowRoot.activeElement !== this.input) this.closeList(); }, 0),
        onfocus: () => { if (this.suggestions.length && this.input.value.trim().length >= 2) this.openList(); },
      });
      this.listbox = h('ul', { id: this.id('listbox'), role: 'listbox', 'aria-label': t.suggestions, hidden: true });
      const form = h('form', { class: 'search', role: 'search', 'aria-label': t.landmark, novalidate: true,
        onsubmit: (e) => { e.preventDefault(); this.submit(); } },
        h('label', { class: 'label', for: this.id('q'), text: t.label }),
        h('div', { class: 'row' },
          h('div', { class: 'combo' }, this.input, this.listbox),
          h('button', { class: 'btn', type: 'submit', text: t.submit })),
        h('p', { class: 'hint vh', id: this.id('hint'), text: t.hint }));

      this.askToggle = h('button', { class: 'btn secondary', type: 'button', 'aria-expanded': 'false',
        'aria-controls': this.id('assistant'), text: t.assistantToggle, onclick: () => this.toggleAssistant() });
      const bar = h('div', { class: 'bar' }, form, this.getAttribute('assistant') === 'off' ? null : this.askToggle);

      this.status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' });
      this.facetsEl = h('div', { class: 'facets' });
      this.filtersSummary = h('summary', { text: t.filters });
      this.filtersEl = h('details', { class: 'filters' }, this.filtersSummary, this.facetsEl);
      this.resultsHeading = h('h2', { class: 'vh', id: this.id('results-h'), text: t.results });
      this.sortSelect = h('select', { id: this.id('sort'), onchange: () => { this.state.sort = this.sortSelect.value; this.state.page = 1; this.search({ nav: 'push' }); } },
        Object.entries(t.sorts).map(([v, label]) => h('option', { value: v, text: label })));
      this.followLink = h('a', { class: 'follow', href: this.feedURL(), type: 'application/atom+xml',
        'aria-describedby': this.id('follow-hint'), text: t.follow });
      this.hitsEl = h('ol', { class: 'hits', 'aria-labelledby': this.id('results-h') });
      this.pager = h('nav', { class: 'pager', 'aria-label': t.pagination, hidden: true });
      this.results = h('section', { class: 'results', 'aria-labelledby': this.id('results-h') },
        h('div', { class: 'results-head' }, this.resultsHeading,
          h('span', {}, h('label', { for: this.id('sort'), text: t.sort + ' ' }), this.sortSelect),
          h('span', {}, this.followLink, h('span', { class: 'vh', id: this.id('follow-hint'), text: t.followHint }))),
        this.hitsEl, this.pager);
      this.detail = h('section', { class: 'detail', hidden: true, 'aria-labelledby': this.id('detail-h') });
      this.main = h('div', { class: 'main' }, this.filtersEl, this.results, this.detail);

      return h('div', { class: 'root', lang: this.lang }, bar, this.renderAssistant(), this.status, this.main);
    }

    // ——— Search-as-you-type ———

    onInput() {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => {
        this.state.page = 1;
        this.suggest();
        this.search({ fromInput: true, nav: 'typing' });
      }, DEBOUNCE_MS);
    }

    submit() {
      clearTimeout(this.timer);
      this.closeList();
      this.state.page = 1;
      this.search({ fromInput: true, settle: true, nav: 'typing' });
    }

    query() {
      const q = this.input.value.trim();
      return q.length >= 2 ? q : '';
    }

    // fetchJSON fetches with the request of that kind cancelled when a newer
    // one starts; resolves to undefined when cancelled.
    async fetchJSON(kind, url, init) {
      if (this.controllers[kind]) this.controllers[kind].abort();
      const ctrl = new AbortController();
      this.controllers[kind] = ctrl;
      try {
        const res = await fetch(url, { ...init, signal: ctrl.signal, credentials: 'omit' });
        const body = await res.json().catch(() => ({}));
        if (ctrl.signal.aborted) return undefined;
        if (!res.ok) {
          const err = new Error((body && body.error && body.error.message) || res.statusText);
          err.status = res.status;
          throw err;
        }
        return body;
      } catch (e) {
        if (ctrl.signal.aborted || e.name === 'AbortError') return undefined;
        throw e;
      }
    }

    async suggest() {
      const q = this.input.value.trim();
      if (q.length < 2) {
        if (this.controllers.suggest) this.controllers.suggest.abort();
        this.setSuggestions([]);
        return;
      }
      try {
        const body = await this.fetchJSON('suggest', `${this.base}/api/v1/suggest?${new URLSearchParams({ q: q.slice(0, 100), limit: '8' })}`);
        if (body === undefined || this.input.value.trim() !== q) return;
        this.setSuggestions(body.suggestions || []);
      } catch (_) {
        this.setSuggestions([]);
      }
    }

    setSuggestions(list) {
      this.suggestions = list;
      this.active = -1;
      this.input.removeAttribute('aria-activedescendant');
      this.listbox.replaceChildren(...list.map((s, i) => h('li', {
        id: this.id('opt-' + i), role: 'option', 'aria-selected': 'false',
        onmousedown: (e) => e.preventDefault(), // keeps the focus in the input
        onclick: () => this.choose(i),
      }, h('span', { text: s.text }), h('span', { class: 'kind', 'aria-hidden': 'true', text: this.t.kinds[s.kind] || '' }))));
      if (list.length && this.shadowRoot.activeElement === this.input) this.openList();
      else this.closeList();
    }

    openList() {
      if (!this.suggestions.length) return;
      this.listbox.hidden = false;
      this.input.setAttribute('aria-expanded', 'true');
    }

    closeList() {
      this.listbox.hidden = true;
      this.input.setAttribute('aria-expanded', 'false');
      this.setActive(-1);
    }

    setActive(i) {
      const opts = this.listbox.children;
      if (this.active >= 0 && opts[this.active]) opts[this.active].setAttribute('aria-selected', 'false');
      this.active = i;
      if (i >= 0 && opts[i]) {
        opts[i].setAttribute('aria-selected', 'true');
        this.input.setAttribute('aria-activedescendant', opts[i].id);
        opts[i].scrollIntoView({ block: 'nearest' });
      } else {
        this.input.removeAttribute('aria-activedescendant');
      }
    }

    choose(i) {
      const s = this.suggestions[i];
      if (!s) return;
      this.input.value = s.text;
      this.input.focus();
      this.submit();
    }

    onKey(e) {
      const n = this.suggestions.length;
      const open = !this.listbox.hidden;
      switch (e.key) {
        case 'ArrowDown':
          if (!n) return;
          e.preventDefault();
          if (!open) { this.openList(); this.setActive(0); } else this.setActive((this.active + 1) % n);
          break;
        case 'ArrowUp':
          if (!n) return;
          e.preventDefault();
          if (!open) { this.openList(); this.setActive(n - 1); } else this.setActive(this.active <= 0 ? n - 1 : this.active - 1);
          break;
        case 'Enter':
          if (open && this.active >= 0) {
            e.preventDefault();
            this.choose(this.active);
          } // otherwise the form submits
          break;
        case 'Escape':
          if (open) {
            e.preventDefault();
            this.closeList();
          } else if (this.input.value) {
            e.preventDefault();
            this.input.value = '';
            this.onInput();
          }
          break;
        case 'Tab':
          this.closeList();
          break;
      }
    }

    // filterParams are the query and the filters of the search.
    filterParams() {
      const p = new URLSearchParams();
      const q = this.query();
      if (q) p.set('q', q);
      for (const [f, values] of Object.entries(this.state.filters)) for (const v of values) p.append(f, v);
      const ds = this.state.filters.deadline_status;
      if (ds && (ds.has('closed') || ds.has('expired'))) p.set('include_closed', 'true');
      return p;
    }

    // feedURL is the Atom feed of the search: its newest offers.
    feedURL() {
      const p = this.filterParams().toString();
      return `${this.base}/api/v1/search.atom${p ? '?' + p : ''}`;
    }

    searchURL() {
      const p = this.filterParams();
      const q = this.query();
      p.set('sort', this.sortOf(q));
      p.set('limit', String(this.pageSize));
      p.set('page', String(this.state.page));
      return `${this.base}/api/v1/search?${p}`;
    }

    // search runs the current query, filters, sort and page; a newer search
    // cancels it. fromInput: typed or submitted (closes an open offer);
    // settle: reports the search at once; focus: moves the focus to the
    // first result (after a page change).
    // sortOf is the order of a search: the one chosen, else relevance for a
    // text and the closest deadline for none.
    sortOf(q) {
      return this.state.sort || (q ? 'relevance' : 'deadline');
    }

    // nav: how the URL records the search (routing): 'typing', 'push', or
    // false (a search the URL asked for, or the first).
    async search({ fromInput = false, settle = false, focus = false, nav = false } = {}) {
      const q = this.query();
      if (fromInput) this.state.offer = '';
      if (nav) this.syncURL(nav);
      this.hitsEl.setAttribute('aria-busy', 'true');
      let body;
      try {
        body = await this.fetchJSON('search', this.searchURL());
      } catch (e) {
        this.hitsEl.setAttribute('aria-busy', 'false');
        this.status.className = 'status error';
        this.status.textContent = e.status === 400 && e.message ? e.message : this.t.error;
        return;
      }
      if (body === undefined) return; // a newer search is on its way
      this.hitsEl.setAttribute('aria-busy', 'false');
      this.state.q = q;
      this.sortSelect.value = this.sortOf(q);
      this.state.total = body.total || 0;
      this.state.exact = body.exact_total === undefined ? this.state.total : body.exact_total;
      this.state.hits = body.hits || [];
      this.followLink.href = this.feedURL();
      this.renderResults();
      this.renderFacets(body.facets || {});
      this.renderPager();
      if (fromInput && !this.detail.hidden) this.showResults(false, { nav: false });
      if (focus) {
        const first = this.hitsEl.querySelector('.hit-title');
        (first || this.input).focus();
      }
      this.reporter.searched(q, this.state.total);
      if (settle) this.reporter.settle();
      this.dispatchEvent(new CustomEvent('offres-results', {
        bubbles: true, composed: true, detail: { query: q, total: this.state.total, exact: this.state.exact, page: this.state.page },
      }));
    }

    // ——— Results ———

    renderResults() {
      const t = this.t;
      const { q, total, hits, exact } = this.state;
      if (total === 0) {
        this.status.className = 'status empty';
        this.status.textContent = t.noResult(q);
      } else if (q && exact === 0) {
        // Nothing matches the words or the job searched for: what follows
        // is related by meaning only, and said so.
        this.status.className = 'status related';
        this.status.textContent = t.related(total, q, (n) => this.numberFormat.format(n));
      } else {
        this.status.className = 'status';
        // The offers that match come first in the count; the others are
        // only related (tagged in the list).
        const fmt = (n) => this.numberFormat.format(n);
        const shown = q ? Math.min(exact, total) : total;
        this.status.textContent = t.count(shown, q, fmt) + (q && total > shown ? t.andRelated() : '');
      }
      const offset = (this.state.page - 1) * this.pageSize;
      this.hitsEl.replaceChildren(...hits.map((hit, i) => this.renderHit(hit, offset + i + 1)));
    }

    renderHit(hit, position) {
      const t = this.t;
      const hl = hit.highlights || {};
      const titleBtn = h('button', { type: 'button', class: 'link hit-title', 'data-id': hit.id,
        onclick: () => { this.reporter.click(this.state.q, hit.id, position); this.openOffer(hit.id, titleBtn); } },
        hl.title && hl.title[0] ? highlight(hl.title[0]) : hit.title);
      const meta = [hit.employer, hit.commune, hit.category && t.category(hit.category), t.contracts[hit.contract_type] || hit.contract_type]
        .filter(Boolean).join(' · ');
      let snippet = null;
      const frag = (hl.text && hl.text[0]) || (hl.skills && hl.skills[0]) || (hl.employer && hl.employer[0]) || (hl.direction && hl.direction[0]);
      if (frag) snippet = h('p', { class: 'snippet' }, highlight(frag));
      else if (hit.passage && hit.passage.text) snippet = h('p', { class: 'snippet', text: clip(hit.passage.text, 220) });
      // A hit that matches neither the words nor the job searched for is
      // said so: related by meaning, or sharing some of the words only.
      const why = hit.matched_by || [];
      const related = Array.isArray(hit.matched_by) && !why.some((m) => m === 'title' || m === 'keyword' || m === 'rome');
      const tag = related && (why.includes('semantic') ? t.relatedTag : t.partialTag);
      return h('li', { class: related ? 'hit related' : 'hit' },
        h('article', { 'aria-labelledby': this.id('hit-' + position) },
          h('h3', { id: this.id('hit-' + position) }, titleBtn),
          meta ? h('p', { class: 'meta', text: meta }) : null,
          this.badge(hit),
          tag ? h('p', { class: 'related-tag', text: tag }) : null,
          snippet));
    }

    badge(o) {
      const b = this.t.badge;
      const status = o.deadline_status || 'unknown';
      let text;
      if (status === 'closed') text = b.closed;
      else if (status === 'expired') text = b.expired(this.date(o.published_at));
      else if (status === 'open' && !o.deadline && o.published_at) text = b.undated(this.date(o.published_at));
      else if (status === 'closing_soon') text = o.days_left === 0 ? b.today : o.days_left === 1 ? b.tomorrow : b.soon(o.days_left);
      else if (status === 'open') text = b.open(this.date(o.deadline));
      else text = b.unknown;
      return h('p', {}, h('span', { class: 'badge ' + status, text }));
    }

    date(s) {
      const m = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/.exec(s || '');
      if (!m) return s || '';
      const d = new Date(Date.UTC(+m[1], +m[2] - 1, m[3] ? +m[3] : 1));
      const opts = m[3] ? { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' } : { month: 'long', year: 'numeric', timeZone: 'UTC' };
      let out = new Intl.DateTimeFormat(this.t.locale, opts).format(d);
      if (this.lang === 'fr' && m[3] === '01') out = out.replace(/^1 /, '1er ');
      return out;
    }

    facetLabel(f, v) {
      if (f === 'deadline_status') return this.t.statuses[v] || v;
      if (f === 'rome') return (this.romeLabels && this.romeLabels[v]) || v;
      if (f === 'contract_type') return this.t.contracts[v] || v;
      if (f === 'category') return this.t.category(v);
      return v;
    }

    renderFacets(facets) {
      const t = this.t;
      const focused = this.shadowRoot.activeElement;
      const focusKey = focused && focused.dataset ? focused.dataset.key : null;
      const groups = [];
      let active = 0;
      this.romeLabels = this.romeLabels || {};
      for (const fv of facets.rome || []) if (fv.label) this.romeLabels[fv.value] = fv.label;
      for (const f of FACETS) {
        const selected = this.state.filters[f] || new Set();
        active += selected.size;
        const values = (facets[f] || []).slice();
        for (const v of selected) if (!values.some((x) => x.value === v)) values.push({ value: v, count: 0 });
        if (!values.length) continue;
        const expanded = this.state.expanded.has(f);
        const shown = expanded ? values : values.slice(0, FACET_VALUES_SHOWN);
        const items = shown.map((fv) => {
          const cb = h('input', { type: 'checkbox', 'data-key': `${f}\u0000${fv.value}`, checked: selected.has(fv.value),
            onchange: () => this.toggleFilter(f, fv.value, cb.checked) });
          return h('label', {}, cb, h('span', { text: this.facetLabel(f, fv.value) }),
            h('span', { class: 'count' }, h('span', { 'aria-hidden': 'true', text: this.numberFormat.format(fv.count) }),
              h('span', { class: 'vh', text: ` (${t.offersCount(fv.count)})` })));
        });
        const more = values.length > shown.length
          ? h('button', { type: 'button', class: 'link', 'data-key': `${f}\u0000more`, text: t.more(values.length - shown.length),
            onclick: () => { this.state.expanded.add(f); this.renderFacets(this.lastFacets); this.focusKey(`${f}\u0000${values[shown.length].value}`); } })
          : null;
        const details = h('details', { class: 'facet', 'data-facet': f, open: this.state.openFacets.has(f) || selected.size > 0,
          ontoggle: () => { if (details.open) this.state.openFacets.add(f); else this.state.openFacets.delete(f); } },
          h('summary', { 'data-key': `${f}\u0000summary` }, t.facetNames[f], selected.size ? ` (${selected.size})` : ''),
          h('fieldset', {}, h('legend', { class: 'vh', text: t.facetNames[f] }), items, more));
        groups.push(details);
      }
      const clear = active ? h('button', { type: 'button', class: 'link', 'data-key': 'clear', text: t.clearFilters,
        onclick: () => { this.state.filters = {}; this.state.page = 1; this.search({ nav: 'push' }); this.input.focus(); } }) : null;
      this.lastFacets = facets;
      this.facetsEl.replaceChildren(...groups, clear ? h('p', {}, clear) : '');
      this.filtersSummary.textContent = active ? `${t.filters} (${t.activeFilters(active)})` : t.filters;
      if (focusKey) this.focusKey(focusKey);
    }

    focusKey(key) {
      for (const el of this.facetsEl.querySelectorAll('[data-key]')) {
        if (el.dataset.key === key) { el.focus(); return; }
      }
    }

    toggleFilter(f, v, on) {
      const set = this.state.filters[f] || new Set();
      if (on) set.add(v); else set.delete(v);
      if (set.size) this.state.filters[f] = set; else delete this.state.filters[f];
      this.state.page = 1;
      this.search({ nav: 'push' });
    }

    renderPager() {
      const t = this.t;
      const pages = Math.min(Math.ceil(this.state.total / this.pageSize), 100);
      if (pages <= 1) {
        this.pager.hidden = true;
        this.pager.replaceChildren();
        return;
      }
      const p = this.state.page;
      const go = (n) => { this.state.page = n; this.search({ focus: true, nav: 'push' }); };
      this.pager.hidden = false;
      this.pager.replaceChildren(
        h('button', { type: 'button', class: 'btn secondary', disabled: p <= 1, text: t.prev, onclick: () => go(p - 1) }),
        h('span', { 'aria-current': 'page', text: t.pageOf(p, pages) }),
        h('button', { type: 'button', class: 'btn secondary', disabled: p >= pages, text: t.next, onclick: () => go(p + 1) }));
    }

    // ——— Offer detail ———

    // showResults closes the offer; nav: false when the URL asked for it.
    showResults(restoreFocus, { nav = 'push' } = {}) {
      this.state.offer = '';
      if (nav) this.syncURL(nav);
      this.detail.hidden = true;
      this.detail.replaceChildren();
      this.results.hidden = false;
      this.filtersEl.hidden = false;
      if (this.controllers.offer) this.controllers.offer.abort();
      if (this.controllers.similar) this.controllers.similar.abort();
      if (restoreFocus) {
        const back = this.opener && this.opener.isConnected ? this.opener
          : [...this.hitsEl.querySelectorAll('.hit-title')].find((b) => b.dataset.id === this.openedId);
        (back || this.input).focus();
      }
    }

    // openOffer shows an offer; nav: false when the URL asked for it.
    async openOffer(id, opener, { nav = 'push' } = {}) {
      const t = this.t;
      this.opener = opener || null;
      this.openedId = id;
      this.state.offer = id;
      if (nav) this.syncURL(nav);
      this.results.hidden = true;
      this.filtersEl.hidden = true;
      this.detail.hidden = false;
      const heading = h('h2', { id: this.id('detail-h'), tabindex: '-1', text: t.loadingOffer });
      const backBtn = h('button', { type: 'button', class: 'btn secondary back', text: '← ' + t.back, onclick: () => this.showResults(true) });
      this.detail.replaceChildren(backBtn, heading);
      this.detail.onkeydown = (e) => { if (e.key === 'Escape') { e.preventDefault(); this.showResults(true); } };
      heading.focus();
      const enc = encodeURIComponent(id);
      let offer;
      try {
        const [o] = await Promise.all([
          this.fetchJSON('offer', `${this.base}/api/v1/offers/${enc}`),
          this.loadSimilar(enc),
        ]);
        offer = o;
      } catch (e) {
        heading.textContent = t.offerError;
        return;
      }
      if (offer === undefined || this.openedId !== id) return;
      heading.textContent = offer.title;
      const body = this.renderOffer(offer);
      this.detail.replaceChildren(backBtn, heading, ...body, this.similarEl || '');
      heading.focus();
      this.scrollIntoViewIfNeeded(heading);
    }

    scrollIntoViewIfNeeded(el) {
      const r = el.getBoundingClientRect();
      if (r.top < 0 || r.bottom > window.innerHeight) el.scrollIntoView({ block: 'start' });
    }

    renderOffer(o) {
      const t = this.t;
      const f = t.fields;
      const rows = [
        [f.reference, o.id],
        [f.employer, o.employer],
        [f.direction, o.direction],
        [f.commune, o.location && o.location.commune],
        [f.category, o.category],
        [f.cadre, o.cadre_emploi],
        [f.contract, t.contracts[o.contract_type] || o.contract_type],
        [f.published, o.published_at && this.date(o.published_at)],
        [f.deadline, o.deadline && this.date(o.deadline)],
        [f.start, o.start_date && this.date(o.start_date)],
        [f.residence, o.residence_years ? t.years(o.residence_years) : ''],
      ].filter(([, v]) => v);
      const out = [
        this.badge(o),
        h('dl', {}, rows.map(([k, v]) => [h('dt', { text: k }), h('dd', { text: v })])),
      ];
      if (o.description) out.push(h('h3', { text: t.summary }), h('p', { class: 'text', text: o.description }));
      for (const s of o.sections || []) {
        out.push(h('h3', { text: s.heading || s.kind }), h('p', { class: 'text', text: s.text }));
      }
      if (o.skills && o.skills.length) {
        out.push(h('h3', { text: t.skills }), h('ul', {}, o.skills.map((s) => h('li', {},
          s.label, s.required ? ` (${t.required})` : ''))));
      }
      if (o.url && /^https?:\/\//i.test(o.url)) {
        out.push(h('p', {}, h('a', { href: o.url, rel: 'noopener noreferrer', target: '_blank', text: t.source })));
      }
      return out;
    }

    async loadSimilar(enc) {
      const t = this.t;
      this.similarEl = null;
      let body;
      try {
        body = await this.fetchJSON('similar', `${this.base}/api/v1/offers/${enc}/similar?limit=5`);
      } catch (_) {
        return;
      }
      if (body === undefined) return;
      const hits = body.hits || [];
      this.similarEl = h('section', { 'aria-labelledby': this.id('similar-h') },
        h('h3', { id: this.id('similar-h'), text: t.similar }),
        hits.length
          ? h('ul', { class: 'similar' }, hits.map((s) => {
            const b = h('button', { type: 'button', class: 'link', text: s.title, onclick: () => this.openOffer(s.id, this.opener) });
            return h('li', {}, b, h('span', { class: 'meta', text: ' — ' + [s.employer, s.commune].filter(Boolean).join(' · ') }), this.badge(s));
          }))
          : h('p', { text: t.noSimilar }));
    }

    // ——— Assistant ———

    renderAssistant() {
      const t = this.t;
      if (this.getAttribute('assistant') === 'off') return null;
      this.question = h('textarea', { id: this.id('question'), rows: '2', maxlength: '500', placeholder: t.askPlaceholder,
        onkeydown: (e) => { if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); this.ask(); } } });
      this.askBtn = h('button', { class: 'btn', type: 'submit', text: t.askSubmit });
      this.answerText = h('p', { class: 'answer-text' });
      this.sourcesEl = h('div', { class: 'sources-wrap' });
      this.answerEl = h('div', { class: 'answer', 'aria-live': 'polite', 'aria-busy': 'false', 'aria-labelledby': this.id('answer-h'), hidden: true },
        h('h3', { id: this.id('answer-h'), class: 'vh', text: t.answer }), this.answerText, this.sourcesEl);
      this.newConv = h('button', { class: 'btn secondary', type: 'button', hidden: true, text: t.newConversation,
        onclick: () => { this.conversation = ''; this.answerEl.hidden = true; this.newConv.hidden = true; this.question.value = ''; this.question.focus(); } });
      this.assistantEl = h('section', { class: 'assistant', id: this.id('assistant'), hidden: true, 'aria-labelledby': this.id('assistant-h'),
        onkeydown: (e) => { if (e.key === 'Escape') { e.preventDefault(); this.toggleAssistant(false); } } },
        h('div', { class: 'assistant-head' }, h('h2', { id: this.id('assistant-h'), text: t.assistant }),
          h('button', { type: 'button', class: 'link', text: t.close, onclick: () => this.toggleAssistant(false) })),
        h('p', { class: 'intro', text: t.assistantIntro }),
        h('form', { class: 'ask', onsubmit: (e) => { e.preventDefault(); this.ask(); } },
          h('label', { class: 'label', for: this.id('question'), text: t.askLabel }), this.question,
          h('div', { class: 'actions' }, this.askBtn, this.newConv)),
        this.answerEl);
      return this.assistantEl;
    }

    toggleAssistant(force) {
      const open = force === undefined ? this.assistantEl.hidden : force;
      this.assistantEl.hidden = !open;
      this.askToggle.setAttribute('aria-expanded', String(open));
      if (open) this.question.focus();
      else this.askToggle.focus();
    }

    async ask() {
      const t = this.t;
      const question = this.question.value.trim();
      if (!question) { this.question.focus(); return; }
      if (this.controllers.ask) this.controllers.ask.abort();
      const ctrl = new AbortController();
      this.controllers.ask = ctrl;
      this.answerEl.hidden = false;
      this.answerEl.setAttribute('aria-busy', 'true');
      this.answerText.textContent = t.asking;
      this.sourcesEl.replaceChildren();
      let text = '';
      let started = false;
      let answer = null;
      const fail = (msg) => {
        this.answerText.textContent = msg || t.askError;
        this.answerEl.setAttribute('aria-busy', 'false');
      };
      try {
        const body = { question };
        if (this.conversation) body.conversation_id = this.conversation;
        const res = await fetch(`${this.base}/api/v1/ask`, {
          method: 'POST', signal: ctrl.signal, credentials: 'omit',
          headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream' },
          body: JSON.stringify(body),
        });
        if (!res.ok || !(res.headers.get('Content-Type') || '').startsWith('text/event-stream')) {
          const err = await res.json().catch(() => ({}));
          fail(err && err.error && err.error.message);
          return;
        }
        for await (const { event, data } of sse(res, ctrl.signal)) {
          if (ctrl.signal.aborted) return;
          let v;
          try { v = JSON.parse(data); } catch (_) { continue; }
          if (event === 'token') {
            if (!started) { started = true; this.answerText.textContent = ''; }
            text += v.text || '';
            this.answerText.textContent = text;
          } else if (event === 'reset') {
            text = '';
            this.answerText.textContent = t.asking;
            started = false;
          } else if (event === 'done') {
            answer = v;
          } else if (event === 'error') {
            fail(v && v.message);
            return;
          }
        }
      } catch (e) {
        if (!ctrl.signal.aborted) fail();
        return;
      }
      if (ctrl.signal.aborted) return;
      if (!answer) { fail(); return; }
      this.conversation = answer.conversation_id || '';
      this.renderAnswer(answer);
      this.answerEl.setAttribute('aria-busy', 'false');
      this.newConv.hidden = !this.conversation;
      this.dispatchEvent(new CustomEvent('offres-answer', { bubbles: true, composed: true, detail: answer }));
    }

    renderAnswer(answer) {
      const t = this.t;
      const byN = new Map((answer.citations || []).map((c) => [c.n, c]));
      const parts = [];
      for (const piece of String(answer.answer || '').split(/(\[\d+\])/)) {
        const m = /^\[(\d+)\]$/.exec(piece);
        const c = m && byN.get(+m[1]);
        if (c) {
          parts.push(h('button', { type: 'button', class: 'link cite', 'data-offer': c.offer_id, 'aria-label': t.citation(c.n, c.title),
            text: `[${c.n}]`, onclick: (e) => this.openOffer(c.offer_id, e.currentTarget) }));
        } else if (piece) {
          parts.push(piece);
        }
      }
      this.answerText.replaceChildren(...parts);
      if (byN.size) {
        this.sourcesEl.replaceChildren(h('h4', { text: t.sources }), h('ol', { class: 'sources' },
          [...byN.values()].sort((a, b) => a.n - b.n).map((c) => h('li', { value: String(c.n) },
            h('button', { type: 'button', class: 'link', 'data-offer': c.offer_id, text: c.title || c.offer_id,
              onclick: (e) => this.openOffer(c.offer_id, e.currentTarget) }),
            c.section ? ` — ${c.section}` : '',
            c.quote ? h('span', { class: 'quote', text: ` : « ${c.quote} »` }) : ''))));
      } else {
        this.sourcesEl.replaceChildren();
      }
    }
  }

  function clip(s, n) {
    s = String(s).replace(/\s+/g, ' ').trim();
    return s.length > n ? s.slice(0, n - 1).replace(/\s+\S*$/, '') + '…' : s;
  }

  customElements.define('offres-search', OffresSearch);
})();
