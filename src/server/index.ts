export { CONTROL_BODY_LIMIT, createServer, type FlowControl, type Hook, type ServerOptions } from './create-server.js';
