/** A container image reference, split into its parts: `[registry/]repository[:tag][@digest]`. */
export interface ImageReference {
  /** Registry host, e.g. `123456789012.dkr.ecr.eu-west-1.amazonaws.com`; `docker.io` when none is given. */
  readonly registry: string;
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
  /** Set when the registry is a private ECR registry. */
  readonly ecr?: { readonly account: string; readonly region: string };
}

const ECR_HOST =
  /^(?<account>\d{12})\.dkr[.-]ecr(?:-fips)?\.(?<region>[a-z]{2}(?:-[a-z]+)+-\d)\.(?:amazonaws\.com(?:\.cn)?|on\.aws)$/;

/**
 * Parses an image reference as Docker does. Returns undefined for a string that is not one.
 *
 * @example
 * parseImageReference("123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/web:1.4.2");
 * // { registry: "123456789012.dkr.ecr.eu-west-1.amazonaws.com", repository: "shop/web", tag: "1.4.2",
 * //   ecr: { account: "123456789012", region: "eu-west-1" } }
 */
export function parseImageReference(image: string): ImageReference | undefined {
  const trimmed = image.trim();
  if (!trimmed || /\s/.test(trimmed)) return undefined;
  const [nameAndTag = "", digest, extra] = trimmed.split("@");
  if (
    extra !== undefined ||
    (digest !== undefined && !/^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/.test(digest))
  )
    return undefined;
  const slash = nameAndTag.indexOf("/");
  const first = slash === -1 ? "" : nameAndTag.slice(0, slash);
  const hasRegistry = first.includes(".") || first.includes(":") || first === "localhost";
  const registry = hasRegistry ? first : "docker.io";
  const remainder = hasRegistry ? nameAndTag.slice(slash + 1) : nameAndTag;
  const lastSlash = remainder.lastIndexOf("/");
  const colon = remainder.indexOf(":", lastSlash + 1);
  const repository = colon === -1 ? remainder : remainder.slice(0, colon);
  const tag = colon === -1 ? undefined : remainder.slice(colon + 1);
  if (!/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(repository))
    return undefined;
  if (tag !== undefined && !/^[\w][\w.-]{0,127}$/.test(tag)) return undefined;
  const match = ECR_HOST.exec(registry);
  return {
    registry,
    repository,
    ...(tag !== undefined ? { tag } : {}),
    ...(digest !== undefined ? { digest } : {}),
    ...(match?.groups
      ? { ecr: { account: match.groups.account ?? "", region: match.groups.region ?? "" } }
      : {}),
  };
}

/** True when the image lives in the given ECR repository (same account, region and repository). */
export function isInRepository(
  reference: ImageReference,
  repository: { account: string; region: string; name: string },
): boolean {
  return (
    reference.ecr?.account === repository.account &&
    reference.ecr.region === repository.region &&
    reference.repository === repository.name
  );
}

/** `<registry>/<repository>@<digest>`: the image pinned by digest, as the new revision carries it. */
export function pinnedImage(reference: ImageReference, digest: string): string {
  return `${reference.registry}/${reference.repository}@${digest}`;
}
