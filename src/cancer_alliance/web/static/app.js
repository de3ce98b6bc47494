// Marks the page as having JavaScript (what the NHS.UK template does inline; our CSP forbids inline
// script) and starts the NHS.UK components.
import { initAll } from '/static/vendor/nhsuk-frontend.js'

document.body.classList.add('js-enabled', 'nhsuk-frontend-supported')
initAll()
