/** The Code 128 encoder of jsbarcode, used on its own: it turns text into bars and needs no DOM or canvas. */
declare module 'jsbarcode/bin/barcodes/CODE128' {
  export class CODE128 {
    constructor(data: string, options: Record<string, unknown>);
    valid(): boolean;
    /** `data` is one character per module: "1" a bar, "0" a space. */
    encode(): { text: string; data: string };
  }
}
