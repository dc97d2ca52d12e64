/**
 * Running short host programs (qemu-img, setpriv, useradd, ...) from argument lists, never shell
 * strings, with the full argument list logged at spawn and a timeout on every run.
 */
package io.kvmportal.host.exec;
