package io.kvmportal.ui.admin;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import io.kvmportal.api.Actor;
import io.kvmportal.api.PortalException;
import io.kvmportal.image.Image;
import io.kvmportal.image.ImageCatalog;
import io.kvmportal.image.ImageKind;
import io.kvmportal.image.ImageUploads;
import io.kvmportal.ui.Forms;
import io.kvmportal.ui.Notifications;
import io.kvmportal.ui.layout.MainLayout;
import io.kvmportal.ui.security.AdminOnly;
import io.kvmportal.ui.security.SignedInUser;
import io.micronaut.context.annotation.Prototype;
import java.util.Locale;
import java.util.Map;

/** Admins see every image (withdrawn ones too) with the guests made from it, publish new ones and withdraw them. */
@Route(value = "admin/images", layout = MainLayout.class)
@PageTitle("Images · kvm-portal")
@AdminOnly
@Prototype
public class ImagesView extends VerticalLayout {
    final Grid<Image> grid = new Grid<>(Image.class, false);
    final Button publish = new Button("Publish image", VaadinIcon.UPLOAD.create());
    private final ImageCatalog catalog;
    private final Actor actor;
    private Map<Long, Long> guestCounts = Map.of();

    public ImagesView(ImageCatalog catalog, ImageUploads uploads, SignedInUser signedIn) {
        this.catalog = catalog;
        this.actor = signedIn.actor();
        setSizeFull();
        publish.setId("publish-image-open");
        publish.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        publish.addClickListener(click -> {
            PublishImageDialog dialog = new PublishImageDialog(catalog, uploads, actor);
            dialog.addOpenedChangeListener(change -> refresh());
            dialog.open();
        });
        HorizontalLayout header = Forms.pageHeader("Images", publish);
        configureGrid();
        add(header, grid);
        refresh();
    }

    private void configureGrid() {
        grid.setId("images");
        // The OS under the name, as a second line: one column that keeps a readable width on a laptop, where two
        // narrow ones were cut to a few letters each beside the figures.
        grid.addComponentColumn(ImagesView::nameAndOs).setHeader("Name").setComparator(Image::name)
                .setWidth("12em").setFlexGrow(1).setTooltipGenerator(Image::description);
        grid.addColumn(image -> kind(image.kind()) + " · " + image.format()).setHeader("Kind").setAutoWidth(true);
        grid.addColumn(image -> size(image.virtualBytes())).setHeader("Disk size").setAutoWidth(true);
        grid.addColumn(image -> image.minMemoryMib() + " MiB · " + image.minDiskGib() + " GiB")
                .setHeader("Guests need at least").setAutoWidth(true);
        grid.addColumn(image -> guestCounts.getOrDefault(image.id(), 0L)).setHeader("Guests").setAutoWidth(true);
        // Wide enough for "Withdrawn · kept for 12 guests": auto width is measured before a withdrawal.
        grid.addComponentColumn(this::status).setHeader("Status").setWidth("15em").setFlexGrow(0);
        grid.addComponentColumn(this::actions).setHeader("Actions").setAutoWidth(true).setFlexGrow(0);
    }

    private static Component nameAndOs(Image image) {
        Span name = new Span(image.name());
        Span os = new Span(image.os());
        os.addClassName("secondary-line");
        VerticalLayout cell = new VerticalLayout(name, os);
        cell.setPadding(false);
        cell.setSpacing(false);
        return cell;
    }

    private Component status(Image image) {
        long guests = guestCounts.getOrDefault(image.id(), 0L);
        String text = image.published() ? "Published" : image.fileRemoved() ? "Withdrawn · file deleted"
                : "Withdrawn · kept for " + guests + (guests == 1 ? " guest" : " guests");
        Span badge = new Span(text);
        badge.getElement().setAttribute("title", "published " + Forms.minute(image.publishedAt())
                + (image.published() ? "" : ", withdrawn " + Forms.minute(image.withdrawnAt()))
                + (image.fileRemoved() ? ", file deleted " + Forms.minute(image.fileRemovedAt())
                : image.published() ? "" : ", file kept until its last guest is deleted"));
        badge.getElement().getThemeList().add(image.published() ? "badge success" : "badge contrast");
        badge.getElement().setAttribute("data-image-status", image.name());
        return badge;
    }

    private Component actions(Image image) {
        HorizontalLayout actions = new HorizontalLayout();
        actions.getElement().setAttribute("data-image", image.name());
        if (image.published()) {
            Button withdraw = new Button("Withdraw", click -> confirmWithdraw(image));
            withdraw.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_TERTIARY, ButtonVariant.LUMO_ERROR);
            actions.add(withdraw);
        }
        return actions;
    }

    private void confirmWithdraw(Image image) {
        long guests = guestCounts.getOrDefault(image.id(), 0L);
        String file = guests == 0 ? " No guest uses it, so its file is deleted from the server now."
                : " The " + guests + " guests made from it keep working; its file is deleted from the server when the"
                        + " last of them is deleted.";
        ConfirmDialog confirm = new ConfirmDialog("Withdraw " + image.name() + "?",
                "No new guests can be made from it." + file, "Withdraw",
                yes -> {
                    try {
                        catalog.withdraw(actor, image.id());
                        Notifications.success("Withdrew " + image.name() + "."
                                + (guests == 0 ? " Its file is deleted." : ""));
                    } catch (PortalException refused) {
                        Notifications.error(refused.getMessage());
                    }
                    refresh();
                });
        confirm.setConfirmButtonTheme("error primary");
        confirm.setCancelable(true);
        confirm.open();
    }

    private void refresh() {
        guestCounts = catalog.guestCounts(actor);
        grid.setItems(catalog.list(actor));
    }

    private static String kind(ImageKind kind) {
        return switch (kind) {
            case DISK -> "Disk";
            case ISO -> "Installer";
            case KERNEL -> "Kernel";
        };
    }

    static String size(long bytes) {
        double gib = bytes / (double) (1L << 30);
        return gib >= 1 ? String.format(Locale.ROOT, "%.1f GiB", gib) : (bytes >> 20) + " MiB";
    }
}
