// undici's own files, imported one by one (undici.ts); each is typed there from the package's types.
declare module 'undici/lib/*' {
  const value: unknown;
  export default value;
}
