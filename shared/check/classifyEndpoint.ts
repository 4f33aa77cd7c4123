import type { EndpointInfo } from '../engine/types.ts';

/** File extensions of documents and archives worth protecting (not API payload formats like .json). */
export const FILE_EXTENSIONS = /\.(pdf|docx?|xlsx?|xlsm|pptx?|csv|tsv|odt|ods|rtf|zip|tar|gz|tgz|bz2|xz|7z|rar|bak|sql|dump|db|sqlite|mdb|log|txt|pem|key|p12|pfx|eml|msg)$/i;

/** Literal path segments that name a download of a file or archive. */
const FILE_SEGMENTS = /^(download|downloads|tarball|zipball|archive|archives|export|exports|attachment|attachments|content|contents|backup|backups|raw|blob|blobs|document|documents|file-content|filecontent)$/i;

/** Literal segments naming a credential exchange: the endpoints users log in through. */
const LOGIN_SEGMENTS = /^(login|log-in|log_in|signin|sign-in|sign_in|logon|authenticate|authentication|token|tokens|session|sessions|auth)(\.json)?$/i;

/** The file extension of a concrete path's last segment, lower case, or null. */
export function fileExtensionOf(path: string): string | null {
  const last = path.slice(path.lastIndexOf('/') + 1);
  const m = FILE_EXTENSIONS.exec(last);
  return m ? m[1].toLowerCase() : null;
}

/**
 * Does this endpoint serve files? True when discovery says so, when the template's last segment carries a
 * file extension, or when its last literal segment names a download (`/files/{id}/content`, `/tarball/{ref}`).
 */
export function isFileEndpoint(template: string, info?: EndpointInfo): boolean {
  if (info?.isFileAsset) return true;
  if (fileExtensionOf(template)) return true;
  const segs = template.split('/').filter(Boolean);
  for (let i = segs.length - 1; i >= 0 && i >= segs.length - 2; i--) {
    if (segs[i].startsWith('{')) continue;
    return FILE_SEGMENTS.test(segs[i]);
  }
  return false;
}

/** Is this a login / token endpoint (a POST whose last literal segment names a credential exchange)? */
export function isLoginEndpoint(method: string, template: string): boolean {
  if (method !== 'POST') return false;
  const segs = template.split('/').filter(Boolean);
  const last = segs[segs.length - 1];
  return last !== undefined && !last.startsWith('{') && LOGIN_SEGMENTS.test(last);
}
