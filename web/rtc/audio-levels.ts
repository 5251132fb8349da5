/**
 * Audio levels of several streams, measured here in the browser (no server round trip): one
 * AudioContext, an AnalyserNode per stream, read on demand.
 */
export class AudioLevels {
  #context: AudioContext | undefined;
  #watched = new Map<
    string,
    { stream: MediaStream; source: MediaStreamAudioSourceNode; analyser: AnalyserNode; data: Float32Array<ArrayBuffer> }
  >();

  /** Measures `stream` under `key` (undefined, or a stream with no audio: stop measuring). */
  watch(key: string, stream: MediaStream | undefined): void {
    const current = this.#watched.get(key);
    if (current?.stream === stream) return;
    if (current) this.#unwatch(key);
    if (!stream || !stream.getAudioTracks().length) return;
    this.#context ??= new AudioContext();
    if (this.#context.state === 'suspended') void this.#context.resume().catch(() => {});
    const source = this.#context.createMediaStreamSource(stream);
    const analyser = this.#context.createAnalyser();
    analyser.fftSize = 512;
    source.connect(analyser);
    this.#watched.set(key, { stream, source, analyser, data: new Float32Array(analyser.fftSize) });
  }

  /** Keeps only these keys. */
  retain(keys: Set<string>): void {
    for (const key of [...this.#watched.keys()]) if (!keys.has(key)) this.#unwatch(key);
  }

  /** Root-mean-square level (0 to 1) of each watched stream now. */
  levels(): Map<string, number> {
    const out = new Map<string, number>();
    for (const [key, { analyser, data }] of this.#watched) {
      analyser.getFloatTimeDomainData(data);
      let sum = 0;
      for (const v of data) sum += v * v;
      out.set(key, Math.sqrt(sum / data.length));
    }
    return out;
  }

  close(): void {
    for (const key of [...this.#watched.keys()]) this.#unwatch(key);
    void this.#context?.close().catch(() => {});
    this.#context = undefined;
  }

  #unwatch(key: string) {
    const entry = this.#watched.get(key);
    this.#watched.delete(key);
    entry?.source.disconnect();
  }
}
