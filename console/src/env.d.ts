// Vite imports CSS for its side effect (it is bundled into the page's stylesheet).
declare module '*.css';
