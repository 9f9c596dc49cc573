// The API's interactive documentation (/docs): Swagger UI, vendored in vendor/ (VENDOR.md),
// drawn over this server's OpenAPI document. A file rather than an inline script, so that the
// page's Content-Security-Policy allows scripts from this server only.
window.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  window.ui = window.SwaggerUIBundle({
    url: root.getAttribute("data-openapi"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
});
