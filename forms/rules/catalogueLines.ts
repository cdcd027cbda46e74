import type { FieldError } from '../types';
import type { CatalogueProject, FormRule } from './types';
import { lineName, linesOf, str } from './util';

const CATEGORY_ZH = { construction: '工程建设类', subsidy: '资金补助类' } as const;

/**
 * Lines name projects of the year's catalogue, with the catalogue's category and lead department:
 * the category decides the November 30 deadline and the lead department decides who reviews the line,
 * so neither may be changed by the county.
 */
export const catalogueLines: FormRule = {
  name: 'catalogueLines',
  description: {
    zh: '项目须在本年度项目清单内，类别和牵头部门与清单一致',
    en: "Lines are projects of the year's catalogue, with its category and lead department",
  },
  needs: [{ fact: 'projects', label: '本年度项目清单' }],
  check(data, ctx) {
    const errors: FieldError[] = [];
    const byCode = new Map(
      ((ctx.facts.projects as readonly CatalogueProject[] | undefined) ?? []).map((p) => [p.code, p]),
    );
    linesOf(data).forEach((line, i) => {
      const code = str(line.projectCode);
      const project = byCode.get(code);
      const code_ = 'rule.catalogueLines';
      if (!project) {
        errors.push({
          path: `/lines/${i}/projectCode`,
          message: `第${i + 1}行：项目 ${code} 不在本年度项目清单内`,
          code: code_,
        });
        return;
      }
      if (line.category !== undefined && line.category !== project.category) {
        errors.push({
          path: `/lines/${i}/category`,
          message: `${lineName(line, i)}：项目类别应为${CATEGORY_ZH[project.category]}`,
          code: code_,
        });
      }
      if (line.leadDept !== undefined && line.leadDept !== project.leadDept) {
        errors.push({
          path: `/lines/${i}/leadDept`,
          message: `${lineName(line, i)}：牵头部门应为 ${project.leadDept}`,
          code: code_,
        });
      }
      if (project.name && line.projectName !== undefined && line.projectName !== project.name) {
        errors.push({
          path: `/lines/${i}/projectName`,
          message: `${lineName(line, i)}：项目名称应为「${project.name}」`,
          code: code_,
        });
      }
    });
    return errors;
  },
};
