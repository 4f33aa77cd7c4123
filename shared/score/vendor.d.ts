declare module 'ua-parser-js' {
  interface IResult {
    ua: string;
    browser: { name?: string; version?: string };
    engine: { name?: string; version?: string };
    os: { name?: string; version?: string };
    device: { vendor?: string; model?: string; type?: string };
    cpu: { architecture?: string };
  }
  class UAParser {
    constructor(ua?: string);
    getResult(): IResult;
  }
  export default UAParser;
}
