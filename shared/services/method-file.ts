import { compileFramework } from "../engine/compile.ts";
import {
  type Framework,
  type FrameworkNode,
  isLeaf,
  type Method,
  measuredSourceOf,
  needsEvidence,
} from "../model/framework.ts";

/**
 * The method file (API.md "Published files": public/rankings/{periodId}.method.json): the index set a
 * period was ranked with, as the public method page shows it without signing in — every group with
 * its band thresholds, every pillar and indicator with its maximum and scoring method. Published
 * beside the ranking rather than inside it, so the ranking JSON the first screen waits for stays
 * small; guidance and evidence hints are left out (the workspace shows them).
 */
export interface MethodNode {
  code: string;
  name: string;
  nameEn?: string;
  maxPoints: number;
  /** A leaf's scoring method (level options without their ids); none for a pillar. */
  method?: PublicMethod;
  /** A leaf without this evidence scores 0 (framework.missingEvidence "zero"). */
  evidenceRequired?: boolean;
  /** A measured leaf: the data source its value comes from (DOMAIN.md, "Measured indicators"). */
  measuredBy?: string;
  children?: MethodNode[];
}

export type PublicMethod =
  | Exclude<Method, { type: "level" }>
  | { type: "level"; options: { label: string; labelEn?: string; fraction: number }[] };

export interface MethodFile {
  period: { id: string; name: string };
  framework: {
    id: string;
    name: string;
    nameEn?: string;
    decision: string | null;
    missingEvidence: "zero" | "keep";
  };
  groups: {
    id: string;
    name: string;
    nameEn?: string;
    maxPoints: number;
    /** Highest threshold first: a unit's band is the first whose minIndex its index reaches. */
    bands: { minIndex: number; label: string; labelEn?: string }[];
    nodes: MethodNode[];
  }[];
}

const english = (item: { nameEn?: string | undefined }) => (item.nameEn ? { nameEn: item.nameEn } : {});

function publicMethod(method: Method): PublicMethod {
  if (method.type !== "level") return method;
  return {
    type: "level",
    options: method.options.map((o) => ({
      label: o.label,
      ...(o.labelEn ? { labelEn: o.labelEn } : {}),
      fraction: o.fraction,
    })),
  };
}

function methodNode(node: FrameworkNode): MethodNode {
  const base = { code: node.code, name: node.name, ...english(node), maxPoints: node.maxPoints };
  if (isLeaf(node))
    return {
      ...base,
      method: publicMethod(node.method),
      ...(needsEvidence(node) ? { evidenceRequired: true } : {}),
      ...(measuredSourceOf(node) ? { measuredBy: measuredSourceOf(node) } : {}),
    };
  return { ...base, children: node.children.map(methodNode) };
}

export function methodFile(framework: Framework, period: { id: string; name: string }): MethodFile {
  return {
    period: { id: period.id, name: period.name },
    framework: {
      id: framework.id,
      name: framework.name,
      ...english(framework),
      decision: framework.decision ?? null,
      missingEvidence: framework.missingEvidence,
    },
    groups: compileFramework(framework).groups.map(({ group, maxPoints, bands }) => ({
      id: group.id,
      name: group.name,
      ...english(group),
      maxPoints,
      bands: bands.map((b) => ({
        minIndex: b.minIndex,
        label: b.label,
        ...(b.labelEn ? { labelEn: b.labelEn } : {}),
      })),
      nodes: group.nodes.map(methodNode),
    })),
  };
}
