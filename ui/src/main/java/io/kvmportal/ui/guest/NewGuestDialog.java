package io.kvmportal.ui.guest;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.TextField;
import io.kvmportal.api.PortalException;
import io.kvmportal.guest.GuestView;
import io.kvmportal.guest.NewGuest;
import io.kvmportal.image.Image;
import io.kvmportal.image.ImageKind;
import io.kvmportal.ui.Forms;
import io.kvmportal.ui.Notifications;
import java.util.List;
import java.util.function.Function;

/** Name, image and size of a new guest; stays open with the input kept when the portal refuses it. */
class NewGuestDialog extends Dialog {
    final TextField name = new TextField("Name");
    final Select<Image> image = new Select<>();
    final IntegerField vcpus = Forms.number("vCPUs", "new-guest-vcpus", 1, NewGuest.MAX_VCPUS, 1);
    final IntegerField memory = Forms.number("Memory (MiB)", "new-guest-memory", NewGuest.MIN_MEMORY_MIB,
            NewGuest.MAX_MEMORY_MIB, 256);
    final IntegerField disk = Forms.number("Disk (GiB)", "new-guest-disk", 1, NewGuest.MAX_DISK_GIB, 1);
    final Button create = new Button("Create guest");

    NewGuestDialog(List<Image> images, Function<NewGuest, GuestView> creator) {
        setHeaderTitle("New guest");
        name.setId("new-guest-name");
        name.setHelperText(NewGuest.NAME_RULE);
        name.setMaxLength(63);
        image.setId("new-guest-image");
        image.setLabel("Image");
        image.setItems(images);
        image.setItemLabelGenerator(image -> image.name() + (image.kind() == ImageKind.ISO ? " (installer ISO)" : ""));
        image.setEmptySelectionAllowed(false);
        image.addValueChangeListener(change -> describe(change.getValue()));
        if (!images.isEmpty()) {
            image.setValue(images.get(0));
        } else {
            image.setHelperText("No image is published yet; ask an admin.");
        }
        create.setId("new-guest-create");
        create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        create.addClickListener(click -> submit(creator));
        FormLayout form = new FormLayout(name, image, vcpus, memory, disk);
        form.setResponsiveSteps(new FormLayout.ResponsiveStep("0", 1), new FormLayout.ResponsiveStep("30em", 2));
        add(form);
        getFooter().add(new Button("Cancel", cancel -> close()), create);
    }

    /** Says what the chosen image gives, and raises memory and disk to its minimum (never lowers a user's value). */
    private void describe(Image chosen) {
        if (chosen == null) {
            return;
        }
        String what = chosen.kind() == ImageKind.ISO
                ? "Boots the installer from a CD drive; the guest gets an empty disk of the size below."
                : "The disk is a copy-on-write layer over the image: only changes take space.";
        image.setHelperText(chosen.os() + ". " + what);
        memory.setHelperText("at least " + chosen.minMemoryMib() + " MiB for this image");
        disk.setHelperText("at least " + chosen.minDiskGib() + " GiB for this image");
        if (Forms.value(memory) < chosen.minMemoryMib()) {
            memory.setValue(chosen.minMemoryMib());
        }
        if (Forms.value(disk) < chosen.minDiskGib()) {
            disk.setValue(chosen.minDiskGib());
        }
    }

    private void submit(Function<NewGuest, GuestView> creator) {
        try {
            Long imageId = image.getValue() == null ? null : image.getValue().id();
            GuestView created = creator.apply(new NewGuest(name.getValue().strip(), imageId, Forms.value(vcpus),
                    Forms.value(memory), Forms.value(disk)));
            Notifications.success("Created " + created.guest().name() + ". Start it when you are ready.");
            close();
        } catch (PortalException refused) {
            Notifications.error(refused.getMessage());
        }
    }
}
