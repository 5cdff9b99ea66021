import { useEffect, useLayoutEffect, useRef, useState } from 'react';

/**
 * How many of `total` items fit in a box whose size does not depend on its content (a flex or
 * grid cell sized 1fr / flex-basis 0): a wall screen shows what fits and says "+N more" rather
 * than scrolling. Mark each item and the "+N more" line with `data-fit`; items are hidden from the
 * end until the last marked element ends inside the box, measured before paint.
 */
export function useFit<E extends HTMLElement>(total: number): { ref: React.RefObject<E | null>; shown: number } {
  const ref = useRef<E | null>(null);
  const [limit, setLimit] = useState(total);
  const [size, setSize] = useState('');

  // A new item count or a new box size: start from everything again.
  // biome-ignore lint/correctness/useExhaustiveDependencies: size is the trigger, not an input
  useLayoutEffect(() => setLimit(total), [total, size]);

  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => {
      const box = entry?.contentRect;
      if (box) setSize(`${Math.round(box.width)}x${Math.round(box.height)}`);
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  useLayoutEffect(() => {
    const element = ref.current;
    if (!element || limit === 0) return;
    const bottom = element.getBoundingClientRect().bottom;
    const over = [...element.querySelectorAll('[data-fit]')].filter(
      (item) => item.getBoundingClientRect().bottom > bottom + 0.5,
    ).length;
    if (over > 0) setLimit((current) => Math.max(0, Math.min(current, total) - over));
  });

  return { ref, shown: Math.min(limit, total) };
}
