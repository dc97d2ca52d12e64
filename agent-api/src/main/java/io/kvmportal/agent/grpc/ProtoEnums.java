package io.kvmportal.agent.grpc;

import io.kvmportal.agent.Accelerator;
import io.kvmportal.agent.AccountRemoval;
import io.kvmportal.agent.BootKind;
import io.kvmportal.agent.ImageFormat;
import io.kvmportal.agent.ImageRefusalReason;
import io.kvmportal.agent.KvmAvailability;
import io.kvmportal.agent.Nic;
import io.kvmportal.agent.RefusalKind;
import io.kvmportal.agent.RunState;
import java.util.List;
import java.util.Map;

/** The pairs of every enum that crosses the wire. */
final class ProtoEnums {
    static final EnumPairs<KvmAvailability, io.kvmportal.agent.grpc.proto.KvmAvailability> KVM = new EnumPairs<>(
            KvmAvailability.class, io.kvmportal.agent.grpc.proto.KvmAvailability.class, "KVM_AVAILABILITY_");
    static final EnumPairs<Accelerator, io.kvmportal.agent.grpc.proto.Accelerator> ACCELERATOR = new EnumPairs<>(
            Accelerator.class, io.kvmportal.agent.grpc.proto.Accelerator.class, "ACCELERATOR_");
    static final EnumPairs<AccountRemoval, io.kvmportal.agent.grpc.proto.AccountRemoval> REMOVAL = new EnumPairs<>(
            AccountRemoval.class, io.kvmportal.agent.grpc.proto.AccountRemoval.class, "ACCOUNT_REMOVAL_");
    static final EnumPairs<ImageFormat, io.kvmportal.agent.grpc.proto.ImageFormat> FORMAT = new EnumPairs<>(
            ImageFormat.class, io.kvmportal.agent.grpc.proto.ImageFormat.class, "IMAGE_FORMAT_");
    static final EnumPairs<BootKind, io.kvmportal.agent.grpc.proto.BootKind> BOOT = new EnumPairs<>(
            BootKind.class, io.kvmportal.agent.grpc.proto.BootKind.class, "BOOT_KIND_");
    static final EnumPairs<Nic, io.kvmportal.agent.grpc.proto.Nic> NIC = new EnumPairs<>(
            Nic.class, io.kvmportal.agent.grpc.proto.Nic.class, "NIC_");
    static final EnumPairs<RunState, io.kvmportal.agent.grpc.proto.RunState> RUN_STATE = new EnumPairs<>(
            RunState.class, io.kvmportal.agent.grpc.proto.RunState.class, "RUN_STATE_");
    static final EnumPairs<RefusalKind, io.kvmportal.agent.grpc.proto.RefusalKind> REFUSAL = new EnumPairs<>(
            RefusalKind.class, io.kvmportal.agent.grpc.proto.RefusalKind.class, "REFUSAL_KIND_");
    // The proto scopes by prefix only, so two names were made distinct from RefusalKind's TOO_LARGE and INVALID.
    static final EnumPairs<ImageRefusalReason, io.kvmportal.agent.grpc.proto.ImageRefusalReason> IMAGE_REASON =
            new EnumPairs<>(ImageRefusalReason.class, io.kvmportal.agent.grpc.proto.ImageRefusalReason.class,
                    "IMAGE_REFUSAL_REASON_", Map.of(ImageRefusalReason.TOO_LARGE, "IMAGE_TOO_LARGE",
                            ImageRefusalReason.INVALID, "INVALID_IMAGE"));

    /** Every pair, for the test that walks them both ways. */
    static final List<EnumPairs<?, ?>> ALL = List.of(KVM, ACCELERATOR, REMOVAL, FORMAT, BOOT, NIC, RUN_STATE,
            REFUSAL, IMAGE_REASON);

    private ProtoEnums() {
    }
}
