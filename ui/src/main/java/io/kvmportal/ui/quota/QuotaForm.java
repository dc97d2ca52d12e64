package io.kvmportal.ui.quota;

import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.textfield.IntegerField;
import io.kvmportal.quota.QuotaLimits;
import io.kvmportal.quota.QuotaUsage;

/** The five limits as number fields; shows current use beside each when there is a user behind them. */
public class QuotaForm extends FormLayout {
    final IntegerField guests = field("Guests", "quota-guests");
    final IntegerField runningGuests = field("Running guests", "quota-running");
    final IntegerField vcpus = field("vCPUs of running guests", "quota-vcpus");
    final IntegerField memoryMib = field("Memory of running guests (MiB)", "quota-memory");
    final IntegerField diskGib = field("Disk of all guests (GiB)", "quota-disk");

    public QuotaForm(QuotaLimits limits) {
        add(guests, runningGuests, vcpus, memoryMib, diskGib);
        setResponsiveSteps(new ResponsiveStep("0", 1), new ResponsiveStep("30em", 2));
        guests.setValue(limits.guests());
        runningGuests.setValue(limits.runningGuests());
        vcpus.setValue(limits.vcpus());
        memoryMib.setValue(limits.memoryMib());
        diskGib.setValue(limits.diskGib());
    }

    public void showUsage(QuotaUsage usage) {
        guests.setHelperText(usage.guests() + " in use");
        runningGuests.setHelperText(usage.runningGuests() + " in use");
        vcpus.setHelperText(usage.vcpus() + " in use");
        memoryMib.setHelperText(usage.memoryMib() + " in use");
        diskGib.setHelperText(usage.diskGib() + " in use");
    }

    /** The entered limits; an empty field counts as -1, which validation then names. */
    public QuotaLimits limits() {
        return new QuotaLimits(value(guests), value(runningGuests), value(vcpus), value(memoryMib), value(diskGib));
    }

    private static int value(IntegerField field) {
        return field.getValue() == null ? -1 : field.getValue();
    }

    private static IntegerField field(String label, String id) {
        IntegerField field = new IntegerField(label);
        field.setId(id);
        field.setMin(0);
        field.setStepButtonsVisible(true);
        return field;
    }
}
