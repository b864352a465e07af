// One feature: its fields, typed parameters, and where it sits in the dependency graph — what it
// needs (as a tree, so the chain reads top to bottom), what needs it, and what it conflicts with.
import { type AppPage, AppLayout } from "../views/app-layout";
import type { LoadedCatalog } from "./catalog-store";
import type { Feature, Parameter } from "./feature-schema";
import { unitText } from "../units";

export interface FeatureView {
  catalog: LoadedCatalog;
  feature: Feature;
  prerequisites: string[];
  dependents: string[];
  /** Features that list this one in their `conflicts` (conflicts count both ways). */
  conflictedBy: string[];
}

export function FeaturePage(props: { page: AppPage; view: FeatureView }) {
  const { page, view } = props;
  const { t } = page;
  const { feature, catalog } = view;
  const conflicts = [...new Set([...feature.conflicts, ...view.conflictedBy])].sort();
  return (
    <AppLayout page={page} title={`${feature.id} ${feature.name}`} section="catalog">
      <p>
        <a href="/app/">← {t("catalog.title")}</a>
      </p>
      <h1>
        <span class="mono">{feature.id}</span> {feature.name}
      </h1>
      <dl class="facts card">
        <dt>{t("catalog.category")}</dt>
        <dd>{feature.category}</dd>
        <dt>{t("catalog.release")}</dt>
        <dd>{feature.release}</dd>
        <dt>{t("catalog.package")}</dt>
        <dd>{feature.package || "—"}</dd>
        <dt>{t("catalog.status")}</dt>
        <dd>
          <span class={`badge status-${feature.status}`}>{t(`status.${feature.status}`)}</span>
        </dd>
        <dt>{t("catalog.version")}</dt>
        <dd>
          {catalog.version.name} (v{catalog.version.id})
        </dd>
      </dl>
      {feature.description && <p class="description">{feature.description}</p>}

      <section class="card" aria-labelledby="parameters-title">
        <h2 id="parameters-title">{t("catalog.parameters")}</h2>
        {feature.parameters.length === 0 ? (
          <p class="muted">{t("feature.noParameters")}</p>
        ) : (
          <div class="table-scroll">
            <table id="parameters">
              <thead>
                <tr>
                  <th scope="col">{t("parameter.name")}</th>
                  <th scope="col">{t("parameter.type")}</th>
                  <th scope="col">{t("parameter.default")}</th>
                  <th scope="col">{t("parameter.allowed")}</th>
                  <th scope="col">{t("parameter.description")}</th>
                </tr>
              </thead>
              <tbody>
                {feature.parameters.map((parameter) => (
                  <tr>
                    <td class="mono">{parameter.name}</td>
                    <td>{parameter.type}</td>
                    <td class="mono">
                      {String(parameter.default)}
                      {"unit" in parameter && parameter.unit ? ` ${unitText(parameter.unit, page.locale)}` : ""}
                    </td>
                    <td>{allowedText(parameter)}</td>
                    <td>{parameter.description}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section class="card" aria-labelledby="dependencies-title" id="dependencies">
        <h2 id="dependencies-title">{t("feature.dependencies")}</h2>
        <div class="columns">
          <div>
            <h3>{t("feature.requires", { count: view.prerequisites.length })}</h3>
            {feature.requires.length === 0 ? (
              <p class="muted">{t("feature.requiresNothing")}</p>
            ) : (
              <ul class="tree" id="requires-tree">
                {feature.requires.map((id) => (
                  <RequiresNode catalog={catalog} id={id} path={[feature.id]} />
                ))}
              </ul>
            )}
          </div>
          <div>
            <h3>{t("feature.requiredBy", { count: view.dependents.length })}</h3>
            {view.dependents.length === 0 ? (
              <p class="muted">{t("feature.requiredByNothing")}</p>
            ) : (
              <ul id="required-by">
                {view.dependents.map((id) => (
                  <li>
                    <FeatureLink catalog={catalog} id={id} />
                    {catalog.byId.get(id)?.requires.includes(feature.id) ? "" : ` (${t("feature.indirectly")})`}
                  </li>
                ))}
              </ul>
            )}
          </div>
          <div>
            <h3>{t("feature.conflicts", { count: conflicts.length })}</h3>
            {conflicts.length === 0 ? (
              <p class="muted">{t("feature.conflictsNothing")}</p>
            ) : (
              <ul id="conflicts">
                {conflicts.map((id) => (
                  <li>
                    <FeatureLink catalog={catalog} id={id} />
                  </li>
                ))}
              </ul>
            )}
          </div>
        </div>
      </section>
    </AppLayout>
  );
}

function allowedText(parameter: Parameter): string {
  switch (parameter.type) {
    case "int":
    case "float":
      return `${parameter.min} … ${parameter.max}`;
    case "enum":
      return parameter.allowed.join(", ");
    case "string":
      return `≤ ${parameter.maxLength}`;
    case "bool":
      return "true, false";
  }
}

function FeatureLink(props: { catalog: LoadedCatalog; id: string }) {
  const feature = props.catalog.byId.get(props.id);
  return (
    <a href={`/app/features/${encodeURIComponent(props.id)}`}>
      <span class="mono">{props.id}</span>
      {feature ? ` ${feature.name}` : ""}
    </a>
  );
}

/** A prerequisite and, below it, what it needs in turn; a feature already on the path is not expanded again. */
function RequiresNode(props: { catalog: LoadedCatalog; id: string; path: string[] }) {
  const children = props.catalog.byId.get(props.id)?.requires ?? [];
  const path = [...props.path, props.id];
  return (
    <li>
      <FeatureLink catalog={props.catalog} id={props.id} />
      {children.length > 0 && !props.path.includes(props.id) && (
        <ul>
          {children.map((child) => (
            <RequiresNode catalog={props.catalog} id={child} path={path} />
          ))}
        </ul>
      )}
    </li>
  );
}
