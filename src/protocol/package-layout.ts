// The image builder's layout rules for an application package (cluster management reference,
// "Validation the image builder does"), as pure functions over an abstract view of the package:
// the emulator runs them over the Image Store at provision, the action over a local folder before
// the first request. No file system, no HTTP here.
import { MARK_FILE_NAME } from './error-codes.js';
import { applicationTypeNameProblem } from './management-models.js';
import {
  type ApplicationManifest,
  ManifestError,
  parseApplicationManifest,
  parseServiceManifest,
  type ServiceManifest,
  type ServiceManifestPart,
  type ServicePackageKind
} from './manifests.js';

/** What the rules need to know about a package; paths are relative to its root, with `/`. */
export interface PackageView {
  kind(relPath: string): 'file' | 'folder' | undefined;
  /** The text of a file, or undefined when it does not exist. */
  readText(relPath: string): string | undefined;
  /** Every file of the package (for the unreferenced-files warning); leave out to skip it. */
  listFiles?(): string[];
}

/** A part the package refers to: a service manifest, or a Code/Config/Data package of one. */
export interface PackagePartRef {
  kind: 'ServiceManifest' | ServicePackageKind;
  serviceManifestName: string;
  /** The part's own name (for a service manifest, its name again). */
  name: string;
  version: string;
}

export interface LayoutOptions {
  /**
   * Diff packages: whether the cluster already holds this part at this version for the same
   * application type (any provisioned version). A part left out of the package is accepted only
   * then. Without it, every part must be in the package.
   */
  clusterHolds?(part: PackagePartRef): boolean;
  /** Require the `_.dir` mark files (root, service folders, package folders): true in the Image Store. */
  requireMarkFiles?: boolean;
}

export type LayoutProblemKind =
  /** A folder without its `_.dir`: the cluster answers FABRIC_E_DIRECTORY_NOT_FOUND. */
  | 'missing-mark-file'
  /** Any other rule: FABRIC_E_IMAGEBUILDER_VALIDATION_ERROR. */
  | 'invalid-layout';

export interface LayoutProblem {
  kind: LayoutProblemKind;
  /** The package-relative file or folder at fault. */
  file: string;
  /** What is wrong, worded like the image builder's message where it has one. */
  message: string;
  /** What to do about it. */
  fix: string;
}

/** A part present in the package and where: `<Name>/` or `<Name>.zip` (a service manifest: its folder). */
export interface PresentPart extends PackagePartRef {
  path: string;
  zipped: boolean;
}

export interface PackageLayout {
  /** Undefined when `ApplicationManifest.xml` is missing or unreadable (then `problems` says why). */
  applicationManifest?: ApplicationManifest;
  /** The service manifests found in the package, by name, with their text. */
  serviceManifests: Map<string, { manifest: ServiceManifest; xml: string }>;
  problems: LayoutProblem[];
  /** Parts in the package; container code packages, which have no folder, are not listed. */
  presentParts: PresentPart[];
  /** Parts left out of the package that the cluster holds (a diff package). */
  reusedParts: PackagePartRef[];
  /** Files no manifest refers to (mark files aside): a warning, not a problem. */
  unreferencedFiles: string[];
}

export const APPLICATION_MANIFEST_FILE = 'ApplicationManifest.xml';
export const SERVICE_MANIFEST_FILE = 'ServiceManifest.xml';

/** Why a name or version cannot be a folder name of the package, or undefined when it can. */
export function unsafeNameReason(value: string): string | undefined {
  if (value.trim() !== value) return 'has surrounding whitespace';
  if (/[\\/]/.test(value)) return 'contains a path separator';
  if (value.includes('..')) return "contains '..'";
  return undefined;
}

export function validatePackageLayout(view: PackageView, options: LayoutOptions = {}): PackageLayout {
  return new LayoutCheck(view, options).run();
}

/** One validation run: the problems found and what the manifests refer to. */
class LayoutCheck {
  private readonly layout: PackageLayout = { serviceManifests: new Map(), problems: [], presentParts: [], reusedParts: [], unreferencedFiles: [] };
  /** Files a manifest refers to, and folders whose whole content it does. */
  private readonly referencedFiles = new Set<string>([APPLICATION_MANIFEST_FILE]);
  private readonly referencedFolders: string[] = [];

  constructor(
    private readonly view: PackageView,
    private readonly options: LayoutOptions
  ) {}

  run(): PackageLayout {
    this.requireMark('');
    const app = this.readApplicationManifest();
    if (app) {
      this.layout.applicationManifest = app;
      this.checkTypeName('ApplicationTypeName', app.typeName);
      this.checkTypeName('ApplicationTypeVersion', app.typeVersion);
      const seen = new Set<string>();
      for (const ref of app.serviceManifestImports) {
        const safe =
          this.checkName(APPLICATION_MANIFEST_FILE, 'ServiceManifestName', ref.name) &&
          this.checkName(APPLICATION_MANIFEST_FILE, 'ServiceManifestVersion', ref.version);
        if (seen.has(ref.name.toLowerCase())) {
          this.problem(
            APPLICATION_MANIFEST_FILE,
            `ServiceManifestImport '${ref.name}' appears more than once in ${APPLICATION_MANIFEST_FILE}.`,
            'Import each service manifest once.'
          );
          continue;
        }
        seen.add(ref.name.toLowerCase());
        if (safe) this.checkService(ref);
      }
    }
    this.listUnreferenced();
    return this.layout;
  }

  private problem(file: string, message: string, fix: string, kind: LayoutProblemKind = 'invalid-layout'): void {
    this.layout.problems.push({ kind, file, message, fix });
  }

  private checkName(file: string, what: string, value: string): boolean {
    const reason = unsafeNameReason(value);
    if (reason) this.problem(file, `${what} '${value}' ${reason}.`, `Rename it in ${file} without path separators, '..' or surrounding spaces.`);
    return reason === undefined;
  }

  /** The type's name and version also travel in the management routes: see applicationTypeNameProblem. */
  private checkTypeName(what: string, value: string): void {
    if (!this.checkName(APPLICATION_MANIFEST_FILE, what, value)) return;
    const reason = applicationTypeNameProblem(value);
    if (reason)
      this.problem(
        APPLICATION_MANIFEST_FILE,
        `${what} '${value}' ${reason}.`,
        `Rename it in ${APPLICATION_MANIFEST_FILE} with letters, digits, '.', '_' or '-'.`
      );
  }

  private requireMark(folder: string): void {
    const mark = folder === '' ? MARK_FILE_NAME : `${folder}/${MARK_FILE_NAME}`;
    if (this.options.requireMarkFiles && this.view.kind(mark) !== 'file') {
      this.problem(
        mark,
        `The folder '${folder === '' ? '.' : folder}' has no ${MARK_FILE_NAME} mark file: it is not complete.`,
        'Upload the package again; its mark files are written last.',
        'missing-mark-file'
      );
    }
  }

  private readText(file: string): string | undefined {
    return this.view.kind(file) === 'file' ? this.view.readText(file) : undefined;
  }

  private readApplicationManifest(): ApplicationManifest | undefined {
    const xml = this.readText(APPLICATION_MANIFEST_FILE);
    if (xml === undefined) {
      this.problem(
        APPLICATION_MANIFEST_FILE,
        `${APPLICATION_MANIFEST_FILE} is missing at the root of the package.`,
        'Point at the folder that holds ApplicationManifest.xml (the package root).'
      );
      return undefined;
    }
    try {
      return parseApplicationManifest(xml, APPLICATION_MANIFEST_FILE);
    } catch (err) {
      if (!(err instanceof ManifestError)) throw err;
      this.problem(APPLICATION_MANIFEST_FILE, err.message, 'Fix the XML of ApplicationManifest.xml.');
      return undefined;
    }
  }

  private checkService(ref: { name: string; version: string }): void {
    const folder = ref.name;
    const file = `${folder}/${SERVICE_MANIFEST_FILE}`;
    const serviceRef: PackagePartRef = { kind: 'ServiceManifest', serviceManifestName: ref.name, name: ref.name, version: ref.version };
    const xml = this.readText(file);
    const folderExists = this.view.kind(folder) !== undefined;
    if (xml === undefined) {
      if (!folderExists && this.options.clusterHolds?.(serviceRef)) {
        this.layout.reusedParts.push(serviceRef);
        return;
      }
      this.problem(
        file,
        `The BuildLayout of the application is invalid. ${SERVICE_MANIFEST_FILE} is missing for service manifest '${ref.name}' version '${ref.version}'.`,
        folderExists
          ? `Add ${file}.`
          : `Add the folder '${folder}' with its ${SERVICE_MANIFEST_FILE}, or leave it out only when the cluster already holds '${ref.name}' version '${ref.version}' for this application type.`
      );
      return;
    }
    this.requireMark(folder);
    this.referencedFiles.add(file);
    let manifest: ServiceManifest;
    try {
      manifest = parseServiceManifest(xml, file);
    } catch (err) {
      if (!(err instanceof ManifestError)) throw err;
      this.problem(file, err.message, `Fix the XML of ${file}.`);
      return;
    }
    if (manifest.name !== ref.name || manifest.version !== ref.version) {
      this.problem(
        file,
        `ServiceManifestRef has ServiceManifestName='${ref.name}' ServiceManifestVersion='${ref.version}'. This does not match the Name='${manifest.name}' and Version='${manifest.version}' in ${file}.`,
        `Make the ServiceManifestRef in ${APPLICATION_MANIFEST_FILE} and the Name and Version in ${file} agree.`
      );
      return;
    }
    this.layout.serviceManifests.set(manifest.name, { manifest, xml });
    this.layout.presentParts.push({ ...serviceRef, path: folder, zipped: false });
    const partNames = new Set<string>();
    for (const part of manifest.parts) {
      if (!this.checkName(file, `${part.kind} Name`, part.name) || !this.checkName(file, `${part.kind} Version`, part.version)) continue;
      if (partNames.has(part.name.toLowerCase())) {
        this.problem(file, `${file} declares the package name '${part.name}' more than once.`, 'Give each Code/Config/Data package its own name.');
        continue;
      }
      partNames.add(part.name.toLowerCase());
      this.checkPart(manifest.name, part);
    }
  }

  private checkPart(serviceManifestName: string, part: ServiceManifestPart): void {
    const partRef: PackagePartRef = { kind: part.kind, serviceManifestName, name: part.name, version: part.version };
    const dir = `${serviceManifestName}/${part.name}`;
    const zip = `${dir}.zip`;
    const asFolder = this.view.kind(dir) === 'folder';
    const asZip = this.view.kind(zip) === 'file';
    if (asFolder && asZip) {
      this.problem(
        dir,
        `${part.kind} '${part.name}' of service manifest '${serviceManifestName}' is both a folder and ${part.name}.zip.`,
        `Keep either the folder '${dir}' or '${zip}', not both.`
      );
    } else if (asFolder) {
      this.requireMark(dir);
      this.referencedFolders.push(dir);
      this.layout.presentParts.push({ ...partRef, path: dir, zipped: false });
    } else if (asZip) {
      this.referencedFiles.add(zip);
      this.layout.presentParts.push({ ...partRef, path: zip, zipped: true });
    } else if (part.isContainer) {
      // A container code package runs an image: it has nothing in the package.
    } else if (this.options.clusterHolds?.(partRef)) {
      this.layout.reusedParts.push(partRef);
    } else {
      this.problem(
        dir,
        `The BuildLayout of the application is invalid. ${part.name} is missing for service ${serviceManifestName} (${part.kind} version '${part.version}').`,
        `Add the folder '${dir}' or '${zip}', or leave it out only when the cluster already holds ${part.kind} '${part.name}' version '${part.version}' of '${serviceManifestName}' for this application type.`
      );
    }
  }

  private listUnreferenced(): void {
    if (!this.view.listFiles) return;
    for (const f of this.view.listFiles()) {
      if (f.split('/').pop() === MARK_FILE_NAME || this.referencedFiles.has(f)) continue;
      if (this.referencedFolders.some(dir => f.startsWith(`${dir}/`))) continue;
      this.layout.unreferencedFiles.push(f);
    }
    this.layout.unreferencedFiles.sort();
  }
}

/** One line per problem: "<file>: <message> <fix>", for logs and error messages. */
export function describeProblem(p: LayoutProblem): string {
  return `${p.file}: ${p.message} ${p.fix}`;
}

/**
 * A view over a list of the package's files (relative, `/`-separated; folders are their
 * ancestors, plus `extraFolders` for empty ones) and a text reader.
 */
export function packageViewOf(files: Iterable<string>, readText: (relPath: string) => string | undefined, extraFolders: Iterable<string> = []): PackageView {
  const fileSet = new Set(files);
  const folders = new Set<string>(extraFolders);
  for (const f of fileSet) {
    const segments = f.split('/');
    for (let i = 1; i < segments.length; i++) folders.add(segments.slice(0, i).join('/'));
  }
  return {
    kind: rel => (fileSet.has(rel) ? 'file' : folders.has(rel) ? 'folder' : undefined),
    readText: rel => (fileSet.has(rel) ? readText(rel) : undefined),
    listFiles: () => [...fileSet]
  };
}
