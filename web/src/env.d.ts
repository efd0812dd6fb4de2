// Side-effect imports of stylesheets (Vite bundles them).
declare module '*.css';
