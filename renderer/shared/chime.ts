/** Three rising tones through Web Audio (no sound file to load; works offline once the page is up). */
export function chime(): void {
  const AudioContextClass =
    window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
  if (!AudioContextClass) return;
  const context = new AudioContextClass();
  [660, 880, 990].forEach((frequency, index) => {
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, context.currentTime + index * 0.35);
    gain.gain.exponentialRampToValueAtTime(0.4, context.currentTime + index * 0.35 + 0.05);
    gain.gain.exponentialRampToValueAtTime(0.0001, context.currentTime + index * 0.35 + 0.3);
    oscillator.connect(gain).connect(context.destination);
    oscillator.start(context.currentTime + index * 0.35);
    oscillator.stop(context.currentTime + index * 0.35 + 0.32);
  });
  setTimeout(() => void context.close(), 1500);
}
