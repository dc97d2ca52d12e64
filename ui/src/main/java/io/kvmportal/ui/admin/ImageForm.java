package io.kvmportal.ui.admin;

import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.textfield.TextField;
import io.kvmportal.image.NewImage;
import io.kvmportal.ui.Forms;
import java.util.Locale;

/** What an admin says about an image: name, OS, description, format and the least a guest from it needs. */
class ImageForm extends FormLayout {
    final TextField name = new TextField("Name");
    final TextField os = new TextField("Operating system");
    final TextArea description = new TextArea("Description");
    final Select<String> format = new Select<>();
    final IntegerField minMemory = Forms.number("Minimum memory (MiB)", "image-min-memory", NewImage.MIN_MEMORY_MIB,
            NewImage.MAX_MEMORY_MIB, 256);
    final IntegerField minDisk = Forms.number("Minimum disk (GiB)", "image-min-disk", 1, NewImage.MAX_DISK_GIB, 1);

    ImageForm() {
        name.setId("image-name");
        name.setHelperText(NewImage.NAME_RULE);
        name.setMaxLength(64);
        os.setId("image-os");
        os.setPlaceholder("e.g. Debian 12");
        os.setMaxLength(64);
        description.setId("image-description");
        description.setMaxLength(NewImage.MAX_DESCRIPTION);
        description.setHelperText("Optional, up to " + NewImage.MAX_DESCRIPTION + " characters");
        format.setId("image-format");
        format.setLabel("Format");
        format.setItems("qcow2", "raw", "iso");
        format.setItemLabelGenerator(value -> switch (value) {
            case "iso" -> "ISO (an installer, booted as a CD-ROM)";
            case "raw" -> "raw disk";
            default -> "qcow2 disk";
        });
        format.setValue("qcow2");
        format.setHelperText("What the file is; kvm-host checks that it is");
        add(name, os, format, minMemory, minDisk, description);
        setColspan(description, 2);
        setResponsiveSteps(new ResponsiveStep("0", 1), new ResponsiveStep("30em", 2));
    }

    NewImage value() {
        return new NewImage(name.getValue().strip(), description.getValue(), os.getValue().strip(), format.getValue(),
                Forms.value(minMemory), Forms.value(minDisk));
    }

    /** The format a file's name suggests; ".img" suggests none (cloud images so named are often qcow2). */
    void guessFormat(String fileName) {
        String lower = fileName.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".iso")) {
            format.setValue("iso");
        } else if (lower.endsWith(".raw")) {
            format.setValue("raw");
        } else if (lower.endsWith(".qcow2")) {
            format.setValue("qcow2");
        }
    }
}
