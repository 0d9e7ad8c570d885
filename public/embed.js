/* Colecta embed: <script src="https://colecta.example/embed.js" data-campaign="slug" data-lang="es" data-earmark="travel"></script>
   becomes an iframe with the donation form, kept as tall as the form. No dependencies. */
(function () {
  'use strict';
  var me = document.currentScript;
  if (!me || !me.src) return;
  var origin = new URL(me.src).origin;
  var frames = [];
  function mount(script) {
    if (script.getAttribute('data-colecta-mounted')) return;
    var campaign = script.getAttribute('data-campaign');
    if (!campaign || !/^[a-z0-9][a-z0-9-]{0,62}$/.test(campaign)) return;
    script.setAttribute('data-colecta-mounted', '1');
    var q = ['embed=1'];
    ['lang', 'earmark', 'amount', 'frequency'].forEach(function (k) {
      var v = script.getAttribute('data-' + k);
      if (v) q.push(k + '=' + encodeURIComponent(v));
    });
    var frame = document.createElement('iframe');
    frame.src = origin + '/donate/' + campaign + '?' + q.join('&');
    frame.title = script.getAttribute('data-title') || (script.getAttribute('data-lang') === 'es' ? 'Formulario de donación' : 'Donation form');
    frame.setAttribute('loading', 'lazy');
    frame.style.cssText = 'width:100%;max-width:40rem;border:0;display:block;height:900px;overflow:hidden';
    script.parentNode.insertBefore(frame, script.nextSibling);
    frames.push(frame);
  }
  window.addEventListener('message', function (e) {
    if (e.origin !== origin || !e.data || e.data.type !== 'colecta:height') return;
    var h = Number(e.data.height);
    if (!(h > 0 && h < 20000)) return;
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow === e.source) frames[i].style.height = Math.ceil(h) + 'px';
    }
  });
  var scripts = document.querySelectorAll('script[data-campaign]');
  for (var i = 0; i < scripts.length; i++) {
    if (scripts[i].src && new URL(scripts[i].src, location.href).origin === origin) mount(scripts[i]);
  }
})();
