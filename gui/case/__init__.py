"""alliance_advisor.gui.case"""
