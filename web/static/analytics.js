// The demo's analytics page: reads GET /api/v1/admin/analytics with the
// token typed in the form (kept in memory only) and renders it as text.
(() => {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const nf = new Intl.NumberFormat('fr-FR');
  const pct = new Intl.NumberFormat('fr-FR', { style: 'percent', maximumFractionDigits: 1 });
  const df = new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  const day = (s) => {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s || '');
    return m ? df.format(new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]))) : s;
  };

  function row(cells) {
    const tr = document.createElement('tr');
    for (const [text, num, link] of cells) {
      const td = document.createElement('td');
      if (num) td.className = 'num';
      if (link) {
        const a = document.createElement('a');
        a.href = link;
        a.textContent = text;
        td.append(a);
      } else {
        td.textContent = text;
      }
      tr.append(td);
    }
    return tr;
  }

  function fill(id, rows, empty, cols) {
    const tbody = $(id).querySelector('tbody');
    if (!rows.length) {
      const td = document.createElement('td');
      td.colSpan = cols;
      td.textContent = empty;
      const tr = document.createElement('tr');
      tr.append(td);
      tbody.replaceChildren(tr);
      return;
    }
    tbody.replaceChildren(...rows);
  }

  // titles replaces the offer ids of the table by « title (id) », as the
  // public API gives them.
  function titles(offers) {
    const cells = $('offers').querySelectorAll('tbody tr td:first-child');
    offers.forEach((o, i) => {
      fetch(`/api/v1/offers/${encodeURIComponent(o.offer_id)}`)
        .then((res) => (res.ok ? res.json() : null))
        .then((offer) => { if (offer && offer.title && cells[i]) cells[i].textContent = `${offer.title} (${o.offer_id})`; })
        .catch(() => {});
    });
  }

  async function load(token, days) {
    const msg = $('message');
    msg.className = 'message';
    msg.textContent = 'Chargement…';
    let res, body;
    try {
      res = await fetch(`/api/v1/admin/analytics?days=${encodeURIComponent(days)}&limit=20`, {
        headers: { Authorization: `Bearer ${token}` }, cache: 'no-store',
      });
      body = await res.json();
    } catch (_) {
      msg.className = 'message error';
      msg.textContent = "Le service n'a pas répondu.";
      return;
    }
    if (!res.ok) {
      msg.className = 'message error';
      msg.textContent = (body && body.error && body.error.message) || `Erreur ${res.status}`;
      $('report').hidden = true;
      return;
    }
    const r = body;
    $('from').textContent = day(r.from);
    $('to').textContent = day(r.to);
    $('t-searches').textContent = nf.format(r.totals.searches);
    $('t-noresults').textContent = nf.format(r.totals.no_results);
    $('t-clicks').textContent = nf.format(r.totals.clicks);
    $('t-ctr').textContent = pct.format(r.totals.click_through);
    $('t-dropped').textContent = nf.format(r.totals.dropped_queries);
    fill('popular', r.popular_queries.map((q) => row([[q.query], [nf.format(q.searches), true], [nf.format(q.clicks), true], [pct.format(q.click_through), true]])),
      'Aucune recherche sur la période.', 4);
    fill('noresults', r.no_result_queries.map((q) => row([[q.query], [nf.format(q.no_results), true]])),
      'Aucune recherche sans résultat.', 2);
    fill('offers', r.top_offers.map((o) => row([[o.offer_id], [nf.format(o.clicks), true]])),
      'Aucun clic sur la période.', 2);
    titles(r.top_offers);
    fill('daily', r.daily.filter((d) => d.searches || d.clicks).reverse().map((d) => row([[day(d.day)], [nf.format(d.searches), true], [nf.format(d.no_results), true], [nf.format(d.clicks), true]])),
      'Aucune activité sur la période.', 4);
    $('report').hidden = false;
    msg.textContent = `Statistiques des ${r.days} derniers jours : ${nf.format(r.totals.searches)} recherches.`;
  }

  $('stats-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const token = $('token').value.trim();
    if (token) load(token, $('days').value);
  });
})();
