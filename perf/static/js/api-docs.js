/* The API page: Swagger UI on perf's OpenAPI document (a file, not an inline script: the pages' CSP runs
   only perf's own scripts). Requests without a token ride on the browser session, whose writes need the
   CSRF token the page carries. */
(function () {
  var root = document.getElementById("swagger-ui");
  var csrfToken = root.dataset.csrf;
  window.ui = SwaggerUIBundle({
    url: root.dataset.openapi,
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    persistAuthorization: false,
    requestInterceptor: function (request) {
      if (csrfToken && !request.headers.Authorization) request.headers["X-CSRFToken"] = csrfToken;
      return request;
    },
  });
})();
