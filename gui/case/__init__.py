"""gui.case"""
