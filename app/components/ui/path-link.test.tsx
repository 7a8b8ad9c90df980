import { renderToStaticMarkup } from "react-dom/server";
import { Link, NavLink, StaticRouter } from "react-router";
import { describe, expect, it } from "vitest";
import { NavItem } from "~/components/layout/site-chrome";
import { PathLink } from "./path-link";

const at = (location: string, element: React.ReactNode) =>
  renderToStaticMarkup(<StaticRouter location={location}>{element}</StaticRouter>);

// The server's HTML must be what React Router's own components give, or hydration would find another page.
describe("PathLink", () => {
  const paths = [
    "/",
    "/courses",
    "/courses?topic=mvp",
    "/learn/khoi-nghiep/bai-1",
    "/cohorts/0594eba6",
    "/privacy",
  ] as const;

  it.each(paths)("renders %s as <Link> does", (to) => {
    const props = { className: "text-brand-700 underline" };
    expect(
      at(
        "/courses/khoi-nghiep",
        <PathLink to={to} {...props}>
          Bài 1
        </PathLink>,
      ),
    ).toBe(
      at(
        "/courses/khoi-nghiep",
        <Link to={to} {...props}>
          Bài 1
        </Link>,
      ),
    );
  });
});

describe("NavItem", () => {
  const navClass = ({ isActive }: { isActive: boolean }) =>
    `rounded px-2 py-1 text-sm font-medium ${isActive ? "bg-brand-50 text-brand-800" : "text-slate-800 hover:bg-slate-100"}`;
  const cases: [string, `/${string}`][] = [
    ["/courses", "/courses"], // the page itself
    ["/courses/khoi-nghiep", "/courses"], // below it
    ["/Courses/Khoi-nghiep", "/courses"], // case does not matter, as with <NavLink>
    ["/coursesx", "/courses"], // a longer name is not below it
    ["/manage/cohorts/1", "/cohorts"],
    ["/cohorts", "/manage/cohorts"],
    ["/dashboard?x=1", "/dashboard"],
  ];

  it.each(cases)("at %s marks %s as <NavLink> does", (location, to) => {
    const here = new URL(location, "http://x").pathname;
    expect(
      at(
        location,
        <NavItem to={to} here={here}>
          Menu
        </NavItem>,
      ),
    ).toBe(
      at(
        location,
        <NavLink to={to} className={navClass}>
          Menu
        </NavLink>,
      ),
    );
  });
});
