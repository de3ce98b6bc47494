// Renders each [data-vega-spec] element with vega-embed. Vega runs its CSP-safe expression
// interpreter (ast: true), so no eval is needed; no tooltips, as vega-tooltip injects an inline style
// the CSP refuses. Each chart has a table with the same figures.
document.querySelectorAll('[data-vega-spec]').forEach(function (element) {
  var spec = JSON.parse(element.getAttribute('data-vega-spec'))
  window.vegaEmbed(element, spec, { ast: true, actions: false, renderer: 'svg', defaultStyle: false, tooltip: false })
    .catch(function (error) { element.textContent = 'The chart could not be drawn; the table below has the same figures.'; console.error(error) })
})
