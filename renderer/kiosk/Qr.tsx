import QRCode from 'qrcode';
import { useEffect, useState } from 'react';

/** The ticket's phone page as a QR code on screen (the same address the printed ticket carries). */
export function Qr({ url, label }: { url: string; label: string }) {
  const [svg, setSvg] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    QRCode.toString(url, {
      type: 'svg',
      errorCorrectionLevel: 'M',
      margin: 2,
      color: { dark: '#000000', light: '#ffffff' },
    }).then((text) => {
      if (current) setSvg(text);
    });
    return () => {
      current = false;
    };
  }, [url]);
  return (
    <div
      className="qr"
      role="img"
      aria-label={label}
      data-url={url}
      // biome-ignore lint/security/noDangerouslySetInnerHtml: qrcode's own SVG of the URL, no markup from outside
      dangerouslySetInnerHTML={svg ? { __html: svg } : undefined}
    />
  );
}
