import { createContext, useCallback, useContext, type MouseEvent, type ReactNode } from "react";
import { useNavigate } from "react-router";

/**
 * A link to a path of this app, written as the whole path ("/learn/course/lesson", "/courses?topic=mvp"):
 * the same `<a>` as React Router's `<Link>` renders for it, and a plain left click follows it through the
 * router (a client navigation with a `.data` request), as `<Link>` does.
 *
 * Why not `<Link>`: on the server every `<Link>` runs about a dozen hooks, two of which resolve its `to`
 * against the matched routes (a JSON copy of the route paths each time) — for a path that is already whole
 * there is nothing to resolve. The course page has 50 links; these hooks were 5 % of its server time. Here
 * each link reads one context; the navigate function is made once, by `<PathLinkNavigation>` in the root.
 * What this leaves out of `<Link>`: relative paths, `prefetch`, `state`, `replace`, `reloadDocument`,
 * view transitions, `target` and other attributes — use `<Link>` where one of those is wanted (see ADR 0030).
 * The props are named one by one on purpose: a rest spread (`...rest` into the `<a>`) cost as much again as
 * the whole rest of the component on the server (3.5 % of the course page against 0.4 %).
 */
export function PathLink({
  to,
  className,
  "aria-current": ariaCurrent,
  children,
}: {
  to: `/${string}`;
  className?: string;
  "aria-current"?: "page";
  children: ReactNode;
}) {
  const follow = useContext(FollowContext);
  return (
    <a
      aria-current={ariaCurrent}
      className={className}
      href={to}
      onClick={follow ? (event) => follow(event, to) : undefined}
      // What `<Link>` marks its links with (route discovery looks for it; kept so the page stays the same).
      data-discover="true"
    >
      {children}
    </a>
  );
}

type Follow = (event: MouseEvent<HTMLAnchorElement>, to: string) => void;

/** Without it (a page rendered outside the root), a PathLink is an ordinary link: the browser loads the page. */
const FollowContext = createContext<Follow | null>(null);

/** Gives the PathLinks below it the router's navigate, once per render rather than once per link. */
export function PathLinkNavigation({ children }: { children: ReactNode }) {
  const navigate = useNavigate();
  const follow = useCallback<Follow>(
    (event, to) => {
      // As `<Link>`: only a plain left click; with a modifier key the browser opens a tab or window.
      if (
        event.defaultPrevented ||
        event.button !== 0 ||
        event.metaKey ||
        event.altKey ||
        event.ctrlKey ||
        event.shiftKey
      )
        return;
      event.preventDefault();
      // As `<Link>`: a link to the page being shown replaces its history entry instead of adding one.
      const { pathname, search, hash } = window.location;
      void navigate(to, { replace: pathname + search + hash === to });
    },
    [navigate],
  );
  return <FollowContext.Provider value={follow}>{children}</FollowContext.Provider>;
}
