// Tailwind configuration for the Yibao Health portal.
//
// Tailwind v4 reads this file through `@config` in styles/app.css. The palette is
// written in hex (not v4's default oklch) so that contrast checkers and older
// browsers see exactly the colours we measured: every text/background pair the
// views use is at least 4.5:1 (WCAG AA for normal text).

/** @type {import('tailwindcss').Config} */
module.exports = {
  // Only the views carry class names. Scanning is limited to them so that vendored
  // JavaScript (htmx, axe-core) cannot leak stray candidates into the CSS.
  content: ['./views/**/*.templ', './views/**/*.go'],
  theme: {
    extend: {
      colors: {
        // Brand teal. Text colours: 700 (5.5:1 on white), 800 (7.6:1), 900 (9:1+).
        // 500/600 are for decoration only, never for text on white.
        brand: {
          50: '#f0fdfa',
          100: '#ccfbf1',
          200: '#99f6e4',
          300: '#5eead4',
          500: '#14b8a6',
          600: '#0d9488',
          700: '#0f766e',
          800: '#115e59',
          900: '#134e4a',
          950: '#042f2e',
        },
        // Neutral ink for body text and borders. 600 is the lightest allowed for
        // text (7.2:1 on ink-50); 200/300 are borders only.
        ink: {
          50: '#f8fafc',
          100: '#f1f5f9',
          200: '#e2e8f0',
          300: '#cbd5e1',
          600: '#475569',
          700: '#334155',
          800: '#1e293b',
          900: '#0f172a',
        },
      },
      fontFamily: {
        // System fonts only: no webfont may be downloaded (offline and mainland
        // networks). CJK faces follow the Latin ones so Latin text keeps its look.
        sans: [
          'system-ui',
          '-apple-system',
          '"Segoe UI"',
          'Roboto',
          '"Helvetica Neue"',
          'Arial',
          '"PingFang SC"',
          '"Hiragino Sans GB"',
          '"Noto Sans CJK SC"',
          '"Source Han Sans SC"',
          '"Microsoft YaHei"',
          '"WenQuanYi Micro Hei"',
          'sans-serif',
        ],
        mono: ['ui-monospace', '"SFMono-Regular"', 'Menlo', 'Consolas', '"Liberation Mono"', 'monospace'],
      },
    },
  },
  plugins: [],
};
