// Hash routes with their query inside the hash (#/replay?from=…): a link between pages carries its
// parameters, opens alike in a new tab, and leaves none behind for the next page.
import { useHashLocation } from 'wouter-preact/use-hash-location';

const split = (hashPath: string): [string, string] => {
  const i = hashPath.indexOf('?');
  return i < 0 ? [hashPath, ''] : [hashPath.slice(0, i), hashPath.slice(i + 1)];
};

function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace) location.replace(`#${to}`);
  else location.hash = to;
}

export function useConsoleLocation(): [string, typeof navigate] {
  return [split(useHashLocation()[0])[0], navigate];
}
useConsoleLocation.searchHook = () => split(useHashLocation()[0])[1];
useConsoleLocation.hrefs = (href: string) => `#${href}`;
