// SPDX-License-Identifier: GPL-2.0
/*
 * PVSCSI (PCI 15ad:07c0): the PCI function. Sets up the rings and the
 * interrupt, scans for disks, and tears it all down again. Only adapters
 * no other driver has bound are taken (docs/vmware.md).
 */
#include <linux/blkdev.h>
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/module.h>
#include <linux/slab.h>
#include "pv_vmi.h"
#include "pvscsi.h"

static bool pvscsi = true;
module_param(pvscsi, bool, 0444);
MODULE_PARM_DESC(pvscsi, "Drive PVSCSI adapters that no other driver has bound (default: true)");

/* Rings and the PCI function */

static void *pvscsi_alloc_ring(struct pvscsi_adapter *a, u32 pages,
			       dma_addr_t *pa)
{
	return dma_alloc_coherent(&a->pci->dev, pages * PAGE_SIZE, pa, GFP_KERNEL);
}

/*
 * Give the (just reset) device its rings: allocated on the first call, by
 * probe, and emptied on a later one, by resume, whose device forgot them.
 */
static int pvscsi_setup_rings(struct pvscsi_adapter *a)
{
	struct pvscsi_cmd_setup_rings *cmd;
	struct pvscsi_cmd_setup_msg_ring msg = { .pages = PVSCSI_MSG_RING_PAGES };
	u32 i;

	if (!a->rings_state) {
		a->rings_state = pvscsi_alloc_ring(a, 1, &a->rings_state_pa);
		a->req_ring = pvscsi_alloc_ring(a, PVSCSI_REQ_RING_PAGES,
						&a->req_ring_pa);
		a->cmp_ring = pvscsi_alloc_ring(a, PVSCSI_CMP_RING_PAGES,
						&a->cmp_ring_pa);
	}
	if (!a->rings_state || !a->req_ring || !a->cmp_ring)
		return -ENOMEM;
	memset(a->rings_state, 0, PAGE_SIZE);
	memset(a->req_ring, 0, PVSCSI_REQ_RING_PAGES * PAGE_SIZE);
	memset(a->cmp_ring, 0, PVSCSI_CMP_RING_PAGES * PAGE_SIZE);
	a->req_entries = PVSCSI_REQ_RING_PAGES * PVSCSI_REQ_PER_PAGE;
	a->cmp_entries = PVSCSI_CMP_RING_PAGES * PVSCSI_CMP_PER_PAGE;

	cmd = kzalloc(sizeof(*cmd), GFP_KERNEL);
	if (!cmd)
		return -ENOMEM;
	cmd->req_ring_pages = PVSCSI_REQ_RING_PAGES;
	cmd->cmp_ring_pages = PVSCSI_CMP_RING_PAGES;
	cmd->rings_state_ppn = a->rings_state_pa >> PAGE_SHIFT;
	for (i = 0; i < PVSCSI_REQ_RING_PAGES; i++)
		cmd->req_ring_ppns[i] = (a->req_ring_pa >> PAGE_SHIFT) + i;
	for (i = 0; i < PVSCSI_CMP_RING_PAGES; i++)
		cmd->cmp_ring_ppns[i] = (a->cmp_ring_pa >> PAGE_SHIFT) + i;
	pvscsi_command(a, PVSCSI_CMD_SETUP_RINGS, cmd, sizeof(*cmd));
	kfree(cmd);

	/* The message ring is optional: the device says whether it has one. */
	pvscsi_write(a, PVSCSI_REG_COMMAND, PVSCSI_CMD_SETUP_MSG_RING);
	if (pvscsi_read(a, PVSCSI_REG_COMMAND_STATUS) == 0xffffffff)
		return 0;
	if (!a->msg_ring)
		a->msg_ring = pvscsi_alloc_ring(a, PVSCSI_MSG_RING_PAGES,
						&a->msg_ring_pa);
	if (!a->msg_ring)
		return -ENOMEM;
	memset(a->msg_ring, 0, PVSCSI_MSG_RING_PAGES * PAGE_SIZE);
	a->msg_entries = PVSCSI_MSG_RING_PAGES * PVSCSI_MSG_PER_PAGE;
	msg.ring_ppns[0] = a->msg_ring_pa >> PAGE_SHIFT;
	pvscsi_command(a, PVSCSI_CMD_SETUP_MSG_RING, &msg, sizeof(msg));
	return 0;
}

static void pvscsi_free_rings(struct pvscsi_adapter *a)
{
	struct device *dev = &a->pci->dev;

	if (a->msg_ring)
		dma_free_coherent(dev, PVSCSI_MSG_RING_PAGES * PAGE_SIZE, a->msg_ring,
				  a->msg_ring_pa);
	if (a->cmp_ring)
		dma_free_coherent(dev, PVSCSI_CMP_RING_PAGES * PAGE_SIZE, a->cmp_ring,
				  a->cmp_ring_pa);
	if (a->req_ring)
		dma_free_coherent(dev, PVSCSI_REQ_RING_PAGES * PAGE_SIZE, a->req_ring,
				  a->req_ring_pa);
	if (a->rings_state)
		dma_free_coherent(dev, PAGE_SIZE, a->rings_state, a->rings_state_pa);
}

static int pvscsi_alloc_slots(struct pvscsi_adapter *a)
{
	a->slots = kcalloc(a->req_entries, sizeof(*a->slots), GFP_KERNEL);
	a->slot_map = bitmap_zalloc(a->req_entries, GFP_KERNEL);
	a->slot_dma = dma_alloc_coherent(&a->pci->dev,
					 a->req_entries * PVSCSI_SLOT_DMA_SIZE,
					 &a->slot_dma_pa, GFP_KERNEL);
	a->internal_buf = dma_alloc_coherent(&a->pci->dev, PVSCSI_INTERNAL_BUF,
					     &a->internal_buf_pa, GFP_KERNEL);
	if (!a->slots || !a->slot_map || !a->slot_dma || !a->internal_buf)
		return -ENOMEM;
	return 0;
}

static void pvscsi_free_slots(struct pvscsi_adapter *a)
{
	if (a->internal_buf)
		dma_free_coherent(&a->pci->dev, PVSCSI_INTERNAL_BUF, a->internal_buf,
				  a->internal_buf_pa);
	if (a->slot_dma)
		dma_free_coherent(&a->pci->dev, a->req_entries * PVSCSI_SLOT_DMA_SIZE,
				  a->slot_dma, a->slot_dma_pa);
	bitmap_free(a->slot_map);
	kfree(a->slots);
}

static int pvscsi_pci_probe(struct pci_dev *pci, const struct pci_device_id *id)
{
	struct pvscsi_adapter *a;
	u8 target;
	int err;

	if (!pvscsi)
		return -ENODEV;

	err = pcim_enable_device(pci);
	if (err)
		return err;
	if (pci_resource_len(pci, 0) < PVSCSI_MMIO_SIZE ||
	    !(pci_resource_flags(pci, 0) & IORESOURCE_MEM)) {
		dev_err(&pci->dev, "BAR 0 is not the PVSCSI register window\n");
		return -ENODEV;
	}
	err = dma_set_mask_and_coherent(&pci->dev, DMA_BIT_MASK(64));
	if (err)
		return err;
	err = pcim_iomap_regions(pci, BIT(0), "pv_vmi_pvscsi");
	if (err)
		return err;
	pci_set_master(pci);

	a = devm_kzalloc(&pci->dev, sizeof(*a), GFP_KERNEL);
	if (!a)
		return -ENOMEM;
	a->pci = pci;
	a->mmio = pcim_iomap_table(pci)[0];
	spin_lock_init(&a->lock);
	mutex_init(&a->internal_lock);
	mutex_init(&a->disks_lock);
	INIT_LIST_HEAD(&a->disks);
	INIT_WORK(&a->msg_work, pvscsi_msg_work);
	INIT_WORK(&a->broken_work, pvscsi_broken_work);
	pci_set_drvdata(pci, a);

	pvscsi_command(a, PVSCSI_CMD_ADAPTER_RESET, NULL, 0);
	pvscsi_write(a, PVSCSI_REG_INTR_MASK, 0);

	err = pvscsi_setup_rings(a);
	if (err)
		goto out_free_rings;
	err = pvscsi_alloc_slots(a);
	if (err)
		goto out_free_slots;

	err = pci_alloc_irq_vectors(pci, 1, 1, PCI_IRQ_ALL_TYPES);
	if (err < 0)
		goto out_free_slots;
	a->use_msi = pci->msix_enabled || pci->msi_enabled;
	err = request_irq(pci_irq_vector(pci, 0), pvscsi_irq,
			  a->use_msi ? 0 : IRQF_SHARED, "pv_vmi_pvscsi", a);
	if (err)
		goto out_free_vectors;
	pvscsi_write(a, PVSCSI_REG_INTR_MASK,
		     PVSCSI_INTR_CMPL_MASK | (a->msg_ring ? PVSCSI_INTR_MSG_MASK : 0));

	dev_info(&pci->dev, "PVSCSI adapter: %u-entry rings, %s interrupt%s\n",
		 a->req_entries, pci->msix_enabled ? "MSI-X" :
		 pci->msi_enabled ? "MSI" : "INTx",
		 a->msg_ring ? ", hot-plug messages" : "");

	mutex_lock(&a->disks_lock);
	for (target = 0; target < PVSCSI_MAX_TARGETS && !a->broken; target++)
		pvscsi_scan_target(a, target);
	mutex_unlock(&a->disks_lock);
	return 0;

out_free_vectors:
	pci_free_irq_vectors(pci);
out_free_slots:
	pvscsi_free_slots(a);
out_free_rings:
	pvscsi_command(a, PVSCSI_CMD_ADAPTER_RESET, NULL, 0);
	pvscsi_free_rings(a);
	return err;
}

static void pvscsi_pci_remove(struct pci_dev *pci)
{
	struct pvscsi_adapter *a = pci_get_drvdata(pci);
	struct pvscsi_disk *disk, *tmp;

	/* No hot-plug message adds or removes a disk from now on. */
	spin_lock_irq(&a->lock);
	a->removing = true;
	spin_unlock_irq(&a->lock);
	cancel_work_sync(&a->msg_work);

	/*
	 * Remove the disks with the device and its interrupt alive: each
	 * del_gendisk() waits for the disk's requests in flight, which
	 * complete only through the interrupt handler. Masking first made
	 * every unbind under I/O wait for two request timeouts and then fail
	 * writes that had reached the disk.
	 */
	mutex_lock(&a->disks_lock);
	list_for_each_entry_safe(disk, tmp, &a->disks, node)
		pvscsi_remove_disk(disk);
	mutex_unlock(&a->disks_lock);

	/*
	 * Now quiet the device, and only after free_irq() (which waits for a
	 * running handler, also a shared INTx one) cancel the work items the
	 * handler schedules: none can be queued again after that.
	 */
	pvscsi_write(a, PVSCSI_REG_INTR_MASK, 0);
	free_irq(pci_irq_vector(pci, 0), a);
	cancel_work_sync(&a->msg_work);
	cancel_work_sync(&a->broken_work);
	pvscsi_command(a, PVSCSI_CMD_ADAPTER_RESET, NULL, 0);
	pci_free_irq_vectors(pci);
	pvscsi_free_slots(a);
	pvscsi_free_rings(a);
}

/* Power management and shutdown */

static void pvscsi_resume_disks(struct pvscsi_adapter *a)
{
	struct pvscsi_disk *disk;

	mutex_lock(&a->disks_lock);
	list_for_each_entry(disk, &a->disks, node)
		pv_device_resume(disk->pdev);
	mutex_unlock(&a->disks_lock);
}

/*
 * Make every disk's front-end stop submitting and wait for what the
 * device holds. All or nothing: a disk that cannot be quiesced (a
 * front-end from before pv ABI 3.3, a host that does not answer) resumes
 * the others.
 */
static int pvscsi_quiesce_disks(struct pvscsi_adapter *a)
{
	struct pvscsi_disk *disk;
	int err = 0;

	mutex_lock(&a->disks_lock);
	list_for_each_entry(disk, &a->disks, node) {
		err = pv_device_quiesce(disk->pdev);
		if (err)
			break;
		cancel_work_sync(&disk->resize_work);
	}
	mutex_unlock(&a->disks_lock);
	if (err)
		pvscsi_resume_disks(a);
	return err;
}

/*
 * No block request is in flight: stop the device's interrupts, work and
 * DMA. A hot-plug scan still running needs the interrupt for its
 * internal commands, so it finishes first; one the last interrupts
 * schedule is cancelled after them.
 */
static void pvscsi_stop_device(struct pvscsi_adapter *a)
{
	cancel_work_sync(&a->msg_work);
	pvscsi_write(a, PVSCSI_REG_INTR_MASK, 0);
	synchronize_irq(pci_irq_vector(a->pci, 0));
	cancel_work_sync(&a->msg_work);
	cancel_work_sync(&a->broken_work);
	pvscsi_command(a, PVSCSI_CMD_ADAPTER_RESET, NULL, 0);
}

/*
 * Suspend, hibernation's freeze and poweroff: the device may lose its
 * state (QEMU resets it on the way back from S3), so stop it cleanly.
 */
static int __maybe_unused pvscsi_pm_suspend(struct device *dev)
{
	struct pvscsi_adapter *a = dev_get_drvdata(dev);
	int err;

	err = pvscsi_quiesce_disks(a);
	if (err)
		return err;
	pvscsi_stop_device(a);
	return 0;
}

/* Set the device up as probe does, then let the disks run again. */
static int __maybe_unused pvscsi_pm_resume(struct device *dev)
{
	struct pvscsi_adapter *a = dev_get_drvdata(dev);
	int err;

	pvscsi_command(a, PVSCSI_CMD_ADAPTER_RESET, NULL, 0);
	pvscsi_write(a, PVSCSI_REG_INTR_MASK, 0);
	err = pvscsi_setup_rings(a);
	if (err) {
		pvscsi_break(a, "rings could not be set up again on resume");
	} else {
		pvscsi_write(a, PVSCSI_REG_INTR_MASK, PVSCSI_INTR_CMPL_MASK |
			     (a->msg_ring ? PVSCSI_INTR_MSG_MASK : 0));
	}
	pvscsi_resume_disks(a);
	return err;
}

/* SIMPLE_DEV_PM_OPS, not its 5.17 successor: pv_vmi builds on 5.10 too. */
static SIMPLE_DEV_PM_OPS(pvscsi_pm_ops, pvscsi_pm_suspend, pvscsi_pm_resume);

/*
 * Power off, reboot and kexec: the next kernel must not find the device
 * still writing into memory. A front-end that cannot be quiesced loses
 * what it has in flight.
 */
static void pvscsi_pci_shutdown(struct pci_dev *pci)
{
	struct pvscsi_adapter *a = pci_get_drvdata(pci);

	pvscsi_quiesce_disks(a);
	pvscsi_stop_device(a);
}

static const struct pci_device_id pvscsi_pci_ids[] = {
	{ PCI_DEVICE(PVSCSI_VENDOR_ID, PVSCSI_DEVICE_ID) },
	{ }
};

static struct pci_driver pvscsi_pci_driver = {
	.name		= "pv_vmi_pvscsi",
	.id_table	= pvscsi_pci_ids,
	.probe		= pvscsi_pci_probe,
	.remove		= pvscsi_pci_remove,
	.shutdown	= pvscsi_pci_shutdown,
	.driver.pm	= &pvscsi_pm_ops,
};

/**
 * vmi_pvscsi_register() - drive PVSCSI adapters no other driver has bound
 *
 * Says which adapters are left to another driver (vmw_pvscsi). Process
 * context.
 *
 * Return: 0 or a negative errno.
 */
int vmi_pvscsi_register(void)
{
	struct pci_dev *pci = NULL;

	while ((pci = pci_get_device(PVSCSI_VENDOR_ID, PVSCSI_DEVICE_ID, pci)))
		if (pci->driver)
			dev_info(&pci->dev, "PVSCSI adapter is driven by %s: leaving it alone (docs/vmware.md says how to hand it over)\n",
				 pci->driver->name);
	return pci_register_driver(&pvscsi_pci_driver);
}

void vmi_pvscsi_unregister(void)
{
	pci_unregister_driver(&pvscsi_pci_driver);
}
