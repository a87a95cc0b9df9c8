// Starts Swagger UI on /api/docs with the app's own OpenAPI document. A file rather than an inline
// script, so the page keeps the app's Content-Security-Policy (script-src 'self').
window.addEventListener("load", function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.getAttribute("data-spec-url"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    // Swagger UI would otherwise send the document to validator.swagger.io for a badge: no
    // outside host, ever (township intranets have no internet, and the document is ours).
    validatorUrl: null
  });
});
