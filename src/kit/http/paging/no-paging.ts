import { firstState, type Paging } from './paging.js';

/** One request, one page. */
export const noPaging: Paging = {
  type: 'none',
  limit: undefined,
  first: firstState(),
  query: () => ({}),
  next: () => undefined,
  loop: 'none',
};
