import type { EndpointInfo } from '../engine/types.ts';
import { memo } from './util.ts';

/** File extensions of documents and archives worth protecting (not API payload formats like .json). */
export const FILE_EXTENSIONS = /\.(pdf|docx?|xlsx?|xlsm|pptx?|csv|tsv|odt|ods|rtf|zip|tar|gz|tgz|bz2|xz|7z|rar|bak|sql|dump|db|sqlite|mdb|log|txt|pem|key|p12|pfx|eml|msg)$/i;

/** Literal path segments that name a download of a file or archive. */
const FILE_SEGMENTS = /^(download|downloads|tarball|zipball|archive|archives|export|exports|attachment|attachments|content|contents|backup|backups|raw|blob|blobs|document|documents|file-content|filecontent)$/i;

/** Literal segments naming a credential exchange: the endpoints users log in through. */
const LOGIN_SEGMENTS = /^(login|log-in|log_in|signin|sign-in|sign_in|logon|authenticate|authentication|token|tokens|session|sessions|auth)(\.json)?$/i;

/** The file extension of a concrete path's last segment, lower case, or null. */
export function fileExtensionOf(path: string): string | null {
  const slash = path.lastIndexOf('/');
  // Most paths end in a segment without a dot: no extension, no slice or regular expression needed.
  if (path.lastIndexOf('.') < slash) return null;
  const last = path.slice(slash + 1);
  const m = FILE_EXTENSIONS.exec(last);
  return m ? m[1].toLowerCase() : null;
}

/**
 * Does this endpoint serve files? True when discovery says so, when the template's last segment carries a
 * file extension, or when its last literal segment names a download (`/files/{id}/content`, `/tarball/{ref}`).
 */
export function isFileEndpoint(template: string, info?: EndpointInfo): boolean {
  // Discovery also calls .json/.html/images "files"; only document and archive types count here.
  if (info?.isFileAsset && (info.fileTypes.length === 0 || info.fileTypes.some((t) => FILE_EXTENSIONS.test('.' + t)))) return true;
  return fileTemplate(template);
}

const fileTemplate = memo((template: string) => fileExtensionOf(template) !== null || downloadSegmentIndex(template) >= 0);

/** Index (in `template.split('/')`) of the last literal segment naming a download, or -1. */
export function downloadSegmentIndex(template: string): number {
  const segs = template.split('/');
  for (let i = segs.length - 1; i >= 1; i--) if (!segs[i].startsWith('{') && FILE_SEGMENTS.test(segs[i])) return i;
  return -1;
}

/**
 * The download route a file endpoint belongs to, robust to templates that keep ids or names as literals
 * (`/repos/acme/{x}/tarball/main` and `/repos/{owner}/{repo}/tarball/{ref}` are one route): the first segment,
 * a `{}` per segment up to the download segment, the download segment, and `{...}` for anything after it;
 * for extension-named files, the first segment, `{}` per middle segment and `{}.<ext>`.
 */
export const downloadRouteOf = memo(downloadRouteOfUncached);

function downloadRouteOfUncached(template: string): string {
  const segs = template.split('/');
  const h = downloadSegmentIndex(template);
  if (h >= 1) {
    const out = [''];
    for (let i = 1; i < h; i++) out.push(i === 1 ? segs[1] : '{}');
    out.push(segs[h]);
    if (h < segs.length - 1) out.push('{...}');
    return out.join('/');
  }
  const ext = fileExtensionOf(template);
  if (ext && segs.length > 2) return ['', segs[1], ...segs.slice(2, -1).map(() => '{}'), `{}.${ext}`].join('/');
  return template;
}

/** Is this a login / token endpoint (a POST whose last literal segment names a credential exchange)? */
export function isLoginEndpoint(method: string, template: string): boolean {
  return method === 'POST' && loginTemplate(template);
}

const loginTemplate = memo((template: string): boolean => {
  const segs = template.split('/').filter(Boolean);
  const last = segs[segs.length - 1];
  return last !== undefined && !last.startsWith('{') && LOGIN_SEGMENTS.test(last);
});
