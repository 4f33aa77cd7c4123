export * from './model.ts';
export * from './store.ts';
export * from './service.ts';
export * from './view.ts';
