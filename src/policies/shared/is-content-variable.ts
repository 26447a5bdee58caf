// Which flow variables read a message body: a policy referring to one needs the body buffered before it runs.

const CONTENT_VARIABLE = /(^|\.)(content|formparam\..+|formparams\..+)$/;

/** `request.content`, `message.content`, `myresponse.content`, `request.formparam.x`, `request.formparams.names`, … */
export function isContentVariable(name: string): boolean {
  return CONTENT_VARIABLE.test(name);
}
