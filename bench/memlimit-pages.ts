// memlimit.ts's streaming loop alone, for a build that runs in a memory it is given (simdpool's:
// impl/memlimit.mjs). Only `stream` is reachable, so the module has no data segments and no
// allocator: instantiating it writes nothing into the memory it borrows.
export { stream } from './memlimit';
