// SPDX-License-Identifier: GPL-2.0
/* Placeholder: netif response parsing is being written. */
