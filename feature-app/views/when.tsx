import { formatDateTime } from "../../src/i18n/format";
import type { Locale } from "../../src/i18n/messages";

/** A moment as every page of the product shows one (formatDateTime), with its exact time for machines. */
export function When(props: { date: Date; locale: Locale }) {
  return <time datetime={props.date.toISOString()}>{formatDateTime(props.date, props.locale)}</time>;
}
