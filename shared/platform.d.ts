// The few platform globals shared code may use: present in browsers, workerd and Node alike.
// Declared here so shared/ compiles without the DOM, browser or Worker type libraries.
declare class URL {
  constructor(url: string, base?: string);
  readonly hostname: string;
  readonly pathname: string;
  readonly protocol: string;
  readonly href: string;
}
declare function atob(data: string): string;
