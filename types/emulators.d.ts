// The emulators ship no type declarations; apiscope uses only their constructors and listen/close.
declare module 'dynalite';
declare module 'kinesalite';
declare module 's3rver';
