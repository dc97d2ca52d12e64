package io.kvmportal.agent;

/** A guest's network card. */
public enum Nic {
    NONE, USER
}
