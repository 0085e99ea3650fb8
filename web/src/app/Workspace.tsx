import { hasRole, type Role, useSession } from "../auth/session.ts";
import { t } from "../i18n/index.ts";
import { type Location, match } from "../router.ts";
import { lazy, Nothing } from "../ui/common.tsx";
import "./app.css";
import { EvidenceOpen } from "./EvidenceOpen.tsx";
import { Home } from "./Home.tsx";
import { SignIn } from "./SignIn.tsx";

/** Each role's screens are their own chunk. */
const UnitArea = lazy(() => import("./unit/UnitArea.tsx"));
const ReviewArea = lazy(() => import("./review/ReviewArea.tsx"));
const AdminArea = lazy(() => import("./admin/AdminArea.tsx"));

export interface Screen {
  pattern: string;
  roles: Role[] | "any";
  render: (params: Record<string, string>, location: Location) => preact.ComponentChildren;
}

const UNIT: Role[] = ["unit-editor", "unit-approver"];

const SCREENS: Screen[] = [
  { pattern: "/app", roles: "any", render: () => <Home /> },
  {
    pattern: "/app/periods/:periodId/form",
    roles: UNIT,
    render: (p) => <UnitArea screen="form" periodId={p.periodId as string} />,
  },
  {
    pattern: "/app/periods/:periodId/results",
    roles: UNIT,
    render: (p) => <UnitArea screen="results" periodId={p.periodId as string} />,
  },
  {
    pattern: "/app/review/:periodId",
    roles: ["reviewer", "admin"],
    render: (p, l) => <ReviewArea screen="list" periodId={p.periodId as string} location={l} />,
  },
  {
    pattern: "/app/review/:periodId/units/:unitId",
    roles: ["reviewer", "admin"],
    render: (p, l) => (
      <ReviewArea screen="unit" periodId={p.periodId as string} unitId={p.unitId as string} location={l} />
    ),
  },
  {
    pattern: "/app/review/:periodId/contests",
    roles: ["reviewer", "admin"],
    render: (p, l) => <ReviewArea screen="contests" periodId={p.periodId as string} location={l} />,
  },
  { pattern: "/app/admin", roles: ["admin"], render: (_p, l) => <AdminArea screen="home" location={l} /> },
  ...(["users", "units", "audit", "sources"] as const).map((screen) => ({
    pattern: `/app/admin/${screen}`,
    roles: ["admin"] as Role[],
    render: (_p: Record<string, string>, l: Location) => <AdminArea screen={screen} location={l} />,
  })),
  {
    pattern: "/app/admin/periods/:periodId",
    roles: ["admin"],
    render: (p, l) => <AdminArea screen="period" periodId={p.periodId as string} location={l} />,
  },
  {
    pattern: "/app/evidence/:periodId/:unitId/:evidenceId",
    roles: "any",
    render: (p) => (
      <EvidenceOpen
        periodId={p.periodId as string}
        unitId={p.unitId as string}
        evidenceId={p.evidenceId as string}
      />
    ),
  },
];

/** The signed-in part of the app: sign-in, then the screens the user's roles may use. */
export default function Workspace({ location }: { location: Location }) {
  const session = useSession();
  const here = `${location.path}${location.query.size ? `?${location.query}` : ""}`;
  if (location.path === "/sign-in") return <SignIn next={location.query.get("next")} />;
  if (!session) return <SignIn next={here} expired />;
  const found = screenOf(location.path);
  if (!found) return <BackHome title={t("notFound.title")} />;
  const { screen, params } = found;
  if (screen.roles !== "any" && !hasRole(session, ...screen.roles))
    return <BackHome title={t("workspace.notForRole")} />;
  return <>{screen.render(params, location)}</>;
}

/** The signed-in screen a path shows, with the path's parameters (undefined: no such screen). */
export function screenOf(path: string): { screen: Screen; params: Record<string, string> } | undefined {
  for (const screen of SCREENS) {
    const params = match(screen.pattern, path);
    if (params) return { screen, params };
  }
  return undefined;
}

/** A screen the user cannot use here, with the way back to the workspace's home. */
function BackHome({ title }: { title: string }) {
  return (
    <Nothing title={title}>
      <p>
        <a href="/app">{t("workspace.home")}</a>
      </p>
    </Nothing>
  );
}
