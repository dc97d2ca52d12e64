package io.kvmportal.ui.admin;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.tabs.TabSheet;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.component.upload.Upload;
import com.vaadin.flow.server.streams.UploadEvent;
import com.vaadin.flow.server.streams.UploadHandler;
import io.kvmportal.agent.StagedImage;
import io.kvmportal.api.Actor;
import io.kvmportal.api.PortalException;
import io.kvmportal.image.Image;
import io.kvmportal.image.ImageCatalog;
import io.kvmportal.image.ImageUploads;
import io.kvmportal.ui.Notifications;
import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.Collectors;

/**
 * Publishes an image: uploaded from the browser (the upload component shows its progress; the bytes stream to the
 * host agent's staging area, never into memory) or copied from an import directory of the server. The agent inspects
 * the file when the admin presses Publish; a refusal is shown in the dialog in words. A received file that is not
 * published is removed when the dialog closes.
 */
class PublishImageDialog extends Dialog {
    static final String UPLOAD_TAB = "Upload from this computer";
    static final String SERVER_TAB = "From a file on the server";
    final ImageForm form = new ImageForm();
    final Upload upload = new Upload();
    final TextField serverPath = new TextField("Path on the server");
    final TabSheet source = new TabSheet();
    static final String NOTHING_RECEIVED = "Choose the file: it is uploaded at once, and inspected when you press"
            + " Publish.";
    final Span received = new Span(NOTHING_RECEIVED);
    final Div refusal = new Div();
    final Button publish = new Button("Publish");
    private final ImageCatalog catalog;
    private final ImageUploads uploads;
    private final Actor actor;
    private StagedImage receivedFile;
    private String receivedName;

    PublishImageDialog(ImageCatalog catalog, ImageUploads uploads, Actor actor) {
        this.catalog = catalog;
        this.uploads = uploads;
        this.actor = actor;
        setHeaderTitle("Publish an image");
        setWidth("44em");
        configureUpload();
        serverPath.setId("image-server-path");
        serverPath.setWidthFull();
        serverPath.addValueChangeListener(change -> form.guessFormat(change.getValue()));
        serverPath.setHelperText("An absolute path of a file in " + uploads.importDirs().stream().map(Path::toString)
                .collect(Collectors.joining(", ")) + "; the portal publishes a copy and leaves the file alone.");
        received.setId("image-upload-received");
        VerticalLayout uploadTab = new VerticalLayout(upload, received);
        uploadTab.setPadding(false);
        source.setId("image-source");
        source.add(UPLOAD_TAB, uploadTab);
        source.add(SERVER_TAB, serverPath);
        source.setWidthFull();
        refusal.setId("publish-refusal");
        refusal.addClassName("portal-refusal");
        refusal.setVisible(false);
        publish.setId("publish-image");
        publish.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        publish.addClickListener(click -> submit());
        add(source, form, refusal);
        getFooter().add(new Button("Cancel", cancel -> close()), publish);
        addOpenedChangeListener(change -> {
            if (!change.isOpened()) {
                forgetReceived();
            }
        });
    }

    private void configureUpload() {
        upload.setId("image-upload");
        upload.setMaxFiles(1);
        upload.setAcceptedFileTypes(".qcow2", ".raw", ".img", ".iso");
        if (uploads.maxFileSize() <= Integer.MAX_VALUE) {
            upload.setMaxFileSize((int) uploads.maxFileSize());
        }
        upload.setWidthFull();
        upload.setUploadHandler(receiver(uploads, actor));
        upload.addFileRejectedListener(rejected -> showRefusal(rejected.getErrorMessage()));

    }

    /**
     * Runs on the upload's request thread, without the session's lock (a long upload must not freeze the page), so
     * the page is changed only through {@link UI#access}. The browser's own progress bar shows the bytes going up.
     */
    private UploadHandler receiver(ImageUploads files, Actor uploader) {
        return (UploadEvent event) -> {
            UI ui = event.getUI();
            String name = event.getFileName();
            StagedImage file;
            try {
                file = files.receive(uploader, event.getInputStream(), event.getFileSize());
            } catch (PortalException refused) {
                ui.access(() -> showRefusal(refused.getMessage()));
                throw new IOException(refused.getMessage(), refused);
            }
            ui.access(() -> accept(file, name));
        };
    }

    private void accept(StagedImage file, String name) {
        if (!isOpened()) {
            uploads.discard(file);
            return;
        }
        forgetReceived();
        receivedFile = file;
        receivedName = name;
        form.guessFormat(name);
        if (form.name.isEmpty()) {
            form.name.setValue(suggestedName(name));
        }
        received.setText("Received " + name + ". Press Publish to have it inspected.");
        refusal.setVisible(false);
    }

    private void submit() {
        if (source.getSelectedIndex() == 0 && receivedFile == null) {
            showRefusal("Upload the image file first (or choose a file on the server).");
            return;
        }
        try {
            Image image = source.getSelectedIndex() == 0 ? publishUpload() : catalog.publishFromServer(actor,
                    form.value(), serverPath.getValue().strip());
            Notifications.success("Published " + image.name() + ".");
            close();
        } catch (PortalException refused) {
            showRefusal(refused.getMessage());
        }
    }

    /** Bad metadata is refused before the upload is consumed: the admin corrects it and publishes the same file. */
    private Image publishUpload() {
        catalog.checkPublishable(actor, form.value());
        StagedImage file = receivedFile;
        receivedFile = null;
        upload.clearFileList();
        received.setText(NOTHING_RECEIVED);
        return catalog.publish(actor, form.value(), file, receivedName);
    }

    /** "debian-12.qcow2" suggests "debian-12"; characters a name may not have become '-'. */
    static String suggestedName(String fileName) {
        int dot = fileName.lastIndexOf('.');
        String base = (dot > 0 ? fileName.substring(0, dot) : fileName).replaceAll("[^\\p{L}\\p{N} ._:()+/-]", "-");
        return base.length() > 64 ? base.substring(0, 64) : base;
    }

    private void showRefusal(String message) {
        refusal.setText(message);
        refusal.setVisible(true);
        Notifications.error(message);
    }

    private void forgetReceived() {
        uploads.discard(receivedFile);
        receivedFile = null;
    }
}
