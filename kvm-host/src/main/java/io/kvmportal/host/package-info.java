/**
 * The host layer: everything kvm-portal does to the machine it runs on. Plain Java, no Micronaut or Vaadin:
 * the web modules call it through one facade, and later a separate privileged host agent will serve the
 * same commands, so commands and results are plain records and enums.
 */
package io.kvmportal.host;
