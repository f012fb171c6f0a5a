import controlDocument from './generated/mock-control.openapi.json';
import apiDocument from './generated/titan-webhooks.openapi.json';

/** The bundled OpenAPI 3.1 document of the Titan webhooks API (paths, schemas, webhooks). */
export const titanOpenApiDocument = apiDocument;

/** The bundled OpenAPI 3.1 document of the mock server's control API. */
export const mockControlOpenApiDocument = controlDocument;
