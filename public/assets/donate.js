/* Colecta donation form: live checks, live totals, errors without a reload, height for an embedding page.
   No dependencies; the form works without this file. Amounts are integers of minor units throughout. */
(function () {
  'use strict';
  var form = document.getElementById('donate-form');
  if (!form) return;
  document.documentElement.className += ' js';
  var cfg = JSON.parse(form.getAttribute('data-config'));
  var exp = { bif: 0, clp: 0, djf: 0, gnf: 0, jpy: 0, kmf: 0, krw: 0, mga: 0, pyg: 0, rwf: 0, ugx: 0, vnd: 0, vuv: 0, xaf: 0, xof: 0, xpf: 0, bhd: 3, jod: 3, kwd: 3, omr: 3, tnd: 3 }[cfg.currency];
  if (exp === undefined) exp = 2;
  var nf = new Intl.NumberFormat(cfg.locale, { style: 'currency', currency: cfg.currency.toUpperCase(), minimumFractionDigits: exp, maximumFractionDigits: exp });
  var monthFmt = new Intl.DateTimeFormat(cfg.locale, { month: 'long', year: 'numeric', timeZone: 'UTC' });
  var $ = function (id) { return document.getElementById(id); };
  var msg = function (key, vars) {
    return (cfg.messages[key] || key).replace(/\{(\w+)\}/g, function (all, name) { return vars && name in vars ? vars[name] : all; });
  };

  function decimal(minor) {
    var digits = String(minor);
    if (!exp) return digits;
    while (digits.length <= exp) digits = '0' + digits;
    return digits.slice(0, -exp) + '.' + digits.slice(-exp);
  }
  // Intl formats the exact decimal string; no float is made of an amount.
  function money(minor) { return nf.format(decimal(minor)); }
  function parseAmount(text) {
    var m = /^(\d{1,9})(?:[.,](\d+))?$/.exec(String(text).trim());
    if (!m || (m[2] || '').length > exp) return null;
    var frac = (m[2] || '');
    while (frac.length < exp) frac += '0';
    return parseInt(m[1] + frac, 10);
  }
  function fee(gross) { return Math.floor((gross * cfg.feeRule.rateBps + 5000) / 10000) + cfg.feeRule.fixed; }
  function grossUp(amount) {
    var gross = Math.floor(((amount + cfg.feeRule.fixed) * 10000 + 10000 - cfg.feeRule.rateBps - 1) / (10000 - cfg.feeRule.rateBps));
    while (gross - fee(gross) < amount) gross += 1;
    while (gross - 1 - fee(gross - 1) >= amount) gross -= 1;
    return gross;
  }
  function value(name) {
    var el = form.elements[name];
    if (!el) return '';
    if (el.length !== undefined && el.tagName === undefined) {
      for (var i = 0; i < el.length; i++) if (el[i].checked) return el[i].value;
      return '';
    }
    if (el.type === 'checkbox') return el.checked;
    return String(el.value).trim();
  }
  function amount() {
    var picked = value('amount');
    return parseAmount(picked === 'other' || picked === '' ? value('otherAmount') : picked);
  }
  function addMonths(date, n) {
    var t = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + n, 1));
    var last = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + 1, 0)).getUTCDate();
    t.setUTCDate(Math.min(date.getUTCDate(), last));
    return t;
  }

  function refresh() {
    var a = amount();
    var monthly = value('frequency') === 'monthly';
    var inst = $('field-installments');
    if (inst) inst.hidden = !monthly;
    var endings = $('field-ends');
    if (endings) endings.hidden = !monthly;
    var ends = value('ends');
    var valid = a !== null && a > 0;
    var charge = valid ? (value('coverFees') ? grossUp(a) : a) : null;
    $('cover-fees-label').textContent = msg('form.coverFees', { fee: valid ? money(grossUp(a) - a) : '…' });
    $('total').textContent = valid ? msg(monthly ? 'form.totalMonthly' : 'form.total', { total: money(charge) }) : '';
    var n = value('installments');
    var text = '';
    if (valid && !monthly) text = msg('schedule.once', { amount: money(charge) });
    else if (valid && n === '' && ends === 'campaign_end' && cfg.campaignEndText) {
      text = msg('schedule.untilCampaignEnd', { amount: money(charge), date: cfg.campaignEndText });
    } else if (valid && n === '' && ends === 'goal_met') text = msg('schedule.untilGoal', { amount: money(charge) });
    else if (valid && /^\d+$/.test(n) && +n >= 2 && +n <= 60) {
      text = msg('schedule.installments', { count: n, amount: money(charge), month: monthFmt.format(addMonths(new Date(), +n - 1)) });
    } else if (valid && n === '') text = msg('schedule.untilCancelled', { amount: money(charge) });
    $('schedule').textContent = text;
    postHeight();
  }

  var checks = {
    amount: function () { var a = amount(); return a !== null && a >= cfg.minAmount && a <= cfg.maxAmount; },
    installments: function () { var n = value('installments'); return value('frequency') !== 'monthly' || n === '' || (/^\d+$/.test(n) && +n >= 2 && +n <= 60); },
    firstName: function () { return value('firstName') !== ''; },
    lastName: function () { return value('lastName') !== ''; },
    email: function () { return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value('email')); },
    phone: function () { var p = value('phone'); return p === '' || /^\+?[0-9 ().-]{6,30}$/.test(p); },
    addressLine1: function () { return !hasAddress() || value('addressLine1') !== ''; },
    city: function () { return !hasAddress() || value('city') !== ''; },
    postalCode: function () { return !hasAddress() || value('postalCode') !== ''; },
    country: function () { return !hasAddress() || /^[A-Za-z]{2}$/.test(value('country')); }
  };
  function hasAddress() { return !!form.elements.addressLine1 && (value('addressLine1') + value('city') + value('postalCode')) !== ''; }
  function inputFor(field) { return field === 'amount' ? $('f-otherAmount') : $('f-' + field); }

  function showError(field, text) {
    var box = $('e-' + field);
    if (box) box.textContent = text || '';
    var input = inputFor(field);
    if (input) {
      if (text) input.setAttribute('aria-invalid', 'true'); else input.removeAttribute('aria-invalid');
    }
    var wrap = $('field-' + field);
    if (wrap) wrap.className = wrap.className.replace(/ has-error/g, '') + (text ? ' has-error' : '');
  }
  function check(field) {
    if (!checks[field] || (!form.elements[field] && field !== 'amount')) return true;
    var ok = checks[field]();
    showError(field, ok ? '' : msg('errors.' + field, { min: cfg.minText, max: cfg.maxText }));
    return ok;
  }
  function summarize(errors, formError) {
    var box = $('error-summary');
    box.textContent = '';
    var fields = Object.keys(errors);
    if (formError) { var p0 = document.createElement('p'); p0.textContent = formError; box.appendChild(p0); }
    if (fields.length) {
      var p = document.createElement('p');
      p.textContent = fields.length === 1 ? msg('form.errorSummaryOne') : msg('form.errorSummary', { count: fields.length });
      box.appendChild(p);
      var ul = document.createElement('ul');
      fields.forEach(function (f) {
        var li = document.createElement('li'); var a = document.createElement('a');
        a.href = '#field-' + f; a.textContent = errors[f]; li.appendChild(a); ul.appendChild(li);
      });
      box.appendChild(ul);
    }
    box.className = 'error-summary' + (fields.length || formError ? '' : ' is-empty');
    if (fields.length || formError) box.focus();
    postHeight();
  }

  form.addEventListener('input', function (e) {
    var name = e.target.name === 'otherAmount' || e.target.name === 'amount' ? 'amount' : e.target.name;
    if (e.target.name === 'otherAmount' && e.target.value !== '') $('f-amount').checked = true;
    refresh();
    // Clears an error as soon as it is fixed; new errors wait for the field to be left.
    if ($('e-' + name) && $('e-' + name).textContent) check(name);
  });
  form.addEventListener('change', function (e) {
    var name = e.target.name === 'otherAmount' || e.target.name === 'amount' ? 'amount' : e.target.name;
    if (e.target.type !== 'radio' || name === 'amount') check(name);
    refresh();
  });

  var sending = false;
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    if (sending) return;
    var errors = {};
    Object.keys(checks).forEach(function (f) { if (!check(f)) errors[f] = $('e-' + f).textContent; });
    if (Object.keys(errors).length) { summarize(errors); return; }
    sending = true;
    var body = new URLSearchParams(new FormData(form));
    fetch(form.getAttribute('action'), {
      method: 'POST', headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' }, body: body, credentials: 'same-origin'
    }).then(function (res) {
      return res.json().then(function (data) { return { status: res.status, data: data }; });
    }).then(function (r) {
      if (r.status === 201 && r.data.url) {
        try { window.top.location.href = r.data.url; } catch { window.location.href = r.data.url; }
        return;
      }
      sending = false;
      var errs = r.data.errors || {};
      Object.keys(errs).forEach(function (f) { showError(f, errs[f]); });
      summarize(errs, r.data.formError || (r.data.error && r.data.error.message));
    }).catch(function () { sending = false; form.submit(); });
  });

  var lastHeight = 0;
  function postHeight() {
    if (window.parent === window) return;
    var h = Math.ceil(document.body.getBoundingClientRect().height);
    if (h === lastHeight) return;
    lastHeight = h;
    window.parent.postMessage({ type: 'colecta:height', height: h }, '*');
  }
  if (window.ResizeObserver) new ResizeObserver(postHeight).observe(document.body);
  window.addEventListener('load', postHeight);
  refresh();
})();
